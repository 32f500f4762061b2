import { LINE_READER_FILE } from './line-reader-file';
import { decodeLineReader, type LineReader } from './line-reader';

// the line reader the Worker serves: its model file ships in the bundle (line-reader-file.ts, written
// by `npm run train:reader`), so it changes with a deploy, not an upload. decoded once per isolate,
// on the first POST /read.

let loading: Promise<LineReader> | null = null;

export function bundledLineReader(): Promise<LineReader> {
  loading ??= decodeLineReader(Uint8Array.from(atob(LINE_READER_FILE), (c) => c.charCodeAt(0)));
  return loading;
}

import { K } from '../dims';
import { lineWindows, type LineImage, type LineWindows } from '../image/line';
import { createWorkspace, forward, type Workspace } from './forward';
import { decodeModel } from './format';
import { ctcGreedy, ctcLogProbability } from './kernels/ctc';
import { linearForwardBatched } from './kernels/linear';
import type { Network } from './network';

// the line reader: digits that touch or overlap read without cutting them apart. one small network
// reads every window of a line (shared/image/line.ts) as a blank or a digit, trained with CTC
// (kernels/ctc.ts) on whole lines, so it learns where digits are as well as what they are. POST /read
// asks it about each group of touching digits; the lattice (read.ts) reads the rest.

/** a window's classes: the blank (no digit centred here), then the digits */
export const LINE_CLASSES = K + 1;

export interface LineReader {
  network: Network; // [D, …, LINE_CLASSES]
  inputScale: number;
  version: string;
}

export interface LineReading {
  digits: number[];
  /** each digit's first window on the best path */
  frames: number[];
  /** each digit's highest probability over its run of windows */
  confidence: number[];
  /** how well the frames fit another reading of the same line (natural log; ≤ 0) */
  logProbability(digits: readonly number[]): number;
  /** how well they fit this reading */
  ownLogProbability: number;
}

const workspaces = new WeakMap<Network, Workspace>();

/** a line's windows (T, D) as the reader's network reads them (scaled by its inputScale) */
export const readerWindows = (reader: LineReader, line: LineImage): LineWindows => lineWindows(line, reader.inputScale);

/** the frames (T, LINE_CLASSES) of a line: its windows through the network in one batch */
export function lineFrames(reader: LineReader, { x, T }: LineWindows): { probs: Float32Array; T: number } {
  let ws = workspaces.get(reader.network);
  if (!ws || ws.B < T) {
    ws = createWorkspace(reader.network.sizes, Math.max(T, 64));
    workspaces.set(reader.network, ws);
  }
  return { probs: forward(reader.network, x, T, ws, 1, linearForwardBatched).slice(), T };
}

/** the best path's digits of a line (its windows: readerWindows), and how to score other readings of it */
export function readLine(reader: LineReader, windows: LineWindows): LineReading {
  const { probs, T } = lineFrames(reader, windows);
  const frames: number[] = [];
  const digits = ctcGreedy(probs, T, LINE_CLASSES, frames);
  // a digit's confidence: its highest probability over the run of frames the best path gives it
  const confidence = digits.map((d, i) => {
    let best = 0;
    for (let t = frames[i]; t < T; t++) {
      const p = probs[t * LINE_CLASSES + d + 1];
      if (t > frames[i] && p < 0.5 * best) break;
      if (p > best) best = p;
    }
    return best;
  });
  const logProbability = (label: readonly number[]) => (label.length === 0 ? -Infinity : ctcLogProbability(probs, T, LINE_CLASSES, label));
  return { digits, frames, confidence, logProbability, ownLogProbability: logProbability(digits) };
}

/** a line reader's model file, checked as a digit model's is (checksum, sizes, finite weights) */
export async function decodeLineReader(bytes: Uint8Array): Promise<LineReader> {
  const { network, header, version } = await decodeModel(bytes, 'line');
  return { network, inputScale: header.architecture.inputScale, version };
}

import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

// Workers KV through wrangler's own CLI: the same commands reach the local store that
// `wrangler dev` reads (.wrangler/state) and, with --remote, the real namespace.

export const BINDING = 'MODELS';
const WRANGLER = resolve('node_modules/.bin/wrangler');

export interface KvTarget {
  remote: boolean;
  persistTo?: string; // local store folder, when not wrangler's default
}

export class KvError extends Error {}

function run(args: string[], target: KvTarget, binary = false): Promise<Buffer> {
  const where = target.remote ? ['--remote'] : ['--local', ...(target.persistTo ? ['--persist-to', target.persistTo] : [])];
  return new Promise((ok, fail) => {
    execFile(
      WRANGLER, [...args, '--binding', BINDING, ...where],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error) {
          const text = (stderr.toString() || stdout.toString()).trim().split('\n').filter((l) => !/^\s*$/.test(l)).slice(-6).join('\n');
          fail(new KvError(`wrangler ${args.slice(0, 3).join(' ')} failed${target.remote ? ' (is `wrangler login` done and the namespace id in wrangler.toml?)' : ''}:\n${text}`));
          return;
        }
        ok(binary ? stdout : Buffer.from(stdout.toString()));
      },
    );
  });
}

export async function kvPutFile(key: string, path: string, target: KvTarget, metadata?: unknown): Promise<void> {
  await run(['kv', 'key', 'put', key, '--path', path, ...(metadata ? ['--metadata', JSON.stringify(metadata)] : [])], target);
}

export async function kvPutText(key: string, value: string, target: KvTarget): Promise<void> {
  await run(['kv', 'key', 'put', key, value], target);
}

/** the value's bytes, or null when the key does not exist */
export async function kvGet(key: string, target: KvTarget): Promise<Uint8Array | null> {
  // wrangler answers a missing key with the text "Value not found" on stdout and status 0
  const out = await run(['kv', 'key', 'get', key], target, true);
  if (out.length < 64 && out.toString().trim() === 'Value not found') return null;
  return new Uint8Array(out);
}

export interface KvListEntry<M> {
  name: string;
  metadata?: M;
}

export async function kvList<M>(prefix: string, target: KvTarget): Promise<KvListEntry<M>[]> {
  const out = await run(['kv', 'key', 'list', '--prefix', prefix], target);
  const text = out.toString();
  const start = text.indexOf('[');
  if (start < 0) throw new KvError(`unexpected answer from wrangler kv key list: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(start)) as KvListEntry<M>[];
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KvListEntry, KvStore } from './kv';

// a KV namespace through wrangler's own CLI, one process per operation: the way to the deployed
// namespace (--remote). it can reach a local store too (--local --persist-to), which the tests use
// to check that both ways agree on the same files.

const WRANGLER = resolve('node_modules/.bin/wrangler');

export type WranglerKvWhere = { remote: true } | { remote: false; persistTo: string };

export function openWranglerKv(where: WranglerKvWhere, binding: string): KvStore {
  const flags = where.remote ? ['--remote'] : ['--local', '--persist-to', where.persistTo];

  function run(args: string[]): Promise<Buffer> {
    return new Promise((ok, fail) => {
      execFile(
        WRANGLER, [...args, '--binding', binding, ...flags],
        { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
        (error, stdout, stderr) => {
          if (error) {
            const text = (stderr.toString() || stdout.toString()).trim().split('\n').filter((l) => l.trim() !== '').slice(-6).join('\n');
            fail(new Error(`wrangler ${args.slice(0, 3).join(' ')} failed${where.remote ? ` (is \`wrangler login\` done and the ${binding} namespace id in wrangler.toml?)` : ''}:\n${text}`));
            return;
          }
          ok(stdout);
        },
      );
    });
  }

  return {
    async get(key) {
      const out = await run(['kv', 'key', 'get', key]);
      // wrangler answers a missing key with the text "Value not found" on stdout and status 0
      if (out.length < 64 && out.toString().trim() === 'Value not found') return null;
      return new Uint8Array(out);
    },
    async put(key, value, metadata) {
      const meta = metadata === undefined ? [] : ['--metadata', JSON.stringify(metadata)];
      if (typeof value === 'string') {
        await run(['kv', 'key', 'put', key, value, ...meta]);
        return;
      }
      // bytes go through a file: a command line carries text only
      const dir = mkdtempSync(join(tmpdir(), 'kv-put-'));
      try {
        writeFileSync(join(dir, 'value'), value);
        await run(['kv', 'key', 'put', key, '--path', join(dir, 'value'), ...meta]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async list<M>(prefix: string) {
      const text = (await run(['kv', 'key', 'list', '--prefix', prefix])).toString();
      const start = text.indexOf('[');
      if (start < 0) throw new Error(`unexpected answer from wrangler kv key list: ${text.slice(0, 200)}`);
      return JSON.parse(text.slice(start)) as KvListEntry<M>[];
    },
    close: async () => {},
  };
}

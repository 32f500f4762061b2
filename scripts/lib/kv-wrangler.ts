import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KvListEntry, KvStore } from './kv';
import { runWrangler } from './wrangler';

// a KV namespace through wrangler's own CLI, one process per operation: the way to the deployed
// namespace (--remote). it can reach a local store too (--local --persist-to), which the tests use
// to check that both ways agree on the same files.

export type WranglerKvWhere = { remote: true } | { remote: false; persistTo: string };

export function openWranglerKv(where: WranglerKvWhere, binding: string): KvStore {
  const flags = where.remote ? ['--remote'] : ['--local', '--persist-to', where.persistTo];

  const hint = where.remote ? ` (is \`wrangler login\` done and the ${binding} namespace id in wrangler.toml?)` : '';
  const run = (args: string[]) => runWrangler([...args, '--binding', binding, ...flags], hint);

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
    async delete(key) {
      await run(['kv', 'key', 'delete', key]);
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

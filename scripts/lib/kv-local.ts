import { join, resolve } from 'node:path';
import type { KvListEntry, KvStore } from './kv';

// the local store in process, through wrangler's getPlatformProxy(): the bindings of wrangler.toml on
// the same files `wrangler dev` uses, so a model put here is served by `wrangler dev` and the other way
// round. both keep their data under <persist-to>/v3 (wrangler's default: .wrangler/state beside
// wrangler.toml); getPlatformProxy takes that v3 folder itself.

const CONFIG = 'wrangler.toml';

/** the part of the KVNamespace binding used here (the scripts' tsconfig has no Workers types) */
interface KvBinding {
  get(key: string, type: 'arrayBuffer'): Promise<ArrayBuffer | null>;
  put(key: string, value: Uint8Array | string, options?: { metadata?: unknown }): Promise<void>;
  list<M>(options: { prefix: string; cursor?: string }): Promise<{ keys: KvListEntry<M>[]; list_complete: boolean; cursor?: string }>;
}

export async function openLocalKv(persistTo: string | undefined, binding: string): Promise<KvStore> {
  // wrangler is a big module (seconds to import on a busy machine): only scripts that open the store pay for it
  const { getPlatformProxy } = await import('wrangler');
  const config = resolve(CONFIG);
  const root = persistTo === undefined ? resolve(config, '..', '.wrangler/state') : resolve(persistTo);
  const proxy = await getPlatformProxy<Record<string, unknown>>({ configPath: config, persist: { path: join(root, 'v3') }, remoteBindings: false });
  const kv = proxy.env[binding] as KvBinding | undefined;
  if (!kv) {
    await proxy.dispose();
    throw new Error(`${CONFIG} has no KV binding ${binding}`);
  }
  return {
    async get(key) {
      const value = await kv.get(key, 'arrayBuffer');
      return value === null ? null : new Uint8Array(value);
    },
    put: (key, value, metadata) => kv.put(key, value, metadata === undefined ? {} : { metadata }),
    async list<M>(prefix: string) {
      const entries: KvListEntry<M>[] = [];
      for (let cursor: string | undefined; ; ) {
        const page = await kv.list<M>({ prefix, cursor });
        entries.push(...page.keys.map(({ name, metadata }) => ({ name, metadata })));
        if (page.list_complete || !page.cursor) return entries;
        cursor = page.cursor;
      }
    },
    close: () => proxy.dispose(),
  };
}

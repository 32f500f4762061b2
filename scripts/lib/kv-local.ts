import type { KvListEntry, KvStore } from './kv';
import { openLocalBindings, WRANGLER_CONFIG } from './wrangler';

// the local store in process, through wrangler's getPlatformProxy(): the same files `wrangler dev`
// uses, so a model put here is served by `wrangler dev` and the other way round.

/** the part of the KVNamespace binding used here (the scripts' tsconfig has no Workers types) */
interface KvBinding {
  get(key: string, type: 'arrayBuffer'): Promise<ArrayBuffer | null>;
  put(key: string, value: Uint8Array | string, options?: { metadata?: unknown }): Promise<void>;
  delete(key: string): Promise<void>;
  list<M>(options: { prefix: string; cursor?: string }): Promise<{ keys: KvListEntry<M>[]; list_complete: boolean; cursor?: string }>;
}

export async function openLocalKv(persistTo: string | undefined, binding: string): Promise<KvStore> {
  const proxy = await openLocalBindings<Record<string, KvBinding | undefined>>(persistTo);
  const kv = proxy.env[binding];
  if (!kv) {
    await proxy.dispose();
    throw new Error(`${WRANGLER_CONFIG} has no KV binding ${binding}`);
  }
  return {
    async get(key) {
      const value = await kv.get(key, 'arrayBuffer');
      return value === null ? null : new Uint8Array(value);
    },
    put: (key, value, metadata) => kv.put(key, value, metadata === undefined ? {} : { metadata }),
    delete: (key) => kv.delete(key),
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

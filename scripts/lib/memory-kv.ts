import type { KvStore } from './kv';

// a KV namespace in memory with the methods the worker's model loader uses, for running the bundled
// worker outside workerd (npm run bench:edge, the deploy test).

export interface MemoryKv {
  put(key: string, value: string | Uint8Array, options?: { metadata?: unknown }): Promise<void>;
  get(key: string, type: 'text' | 'arrayBuffer'): Promise<string | ArrayBuffer | null>;
  getWithMetadata(key: string, type: 'text' | 'arrayBuffer'): Promise<{ value: string | ArrayBuffer | null; metadata: unknown }>;
}

export function memoryKv(): MemoryKv {
  const values = new Map<string, { bytes: Uint8Array; metadata: unknown }>();
  const read = (key: string, type: 'text' | 'arrayBuffer') => {
    const v = values.get(key);
    if (v === undefined) return { value: null, metadata: null };
    return { value: type === 'text' ? new TextDecoder().decode(v.bytes) : v.bytes.slice().buffer, metadata: v.metadata };
  };
  return {
    async put(key, value, options) {
      values.set(key, { bytes: typeof value === 'string' ? new TextEncoder().encode(value) : value.slice(), metadata: options?.metadata ?? null });
    },
    get: async (key, type) => read(key, type).value,
    getWithMetadata: async (key, type) => read(key, type),
  };
}

/**
 * the scripts' KvStore (scripts/lib/kv.ts) in memory, for the registry's tests: reads see every
 * write at once, as a single local store does (remote KV may not: see scripts/lib/publish-lock.ts)
 */
export function memoryStore(): KvStore {
  const values = new Map<string, { bytes: Uint8Array; metadata: unknown }>();
  return {
    get: async (key) => values.get(key)?.bytes.slice() ?? null,
    async put(key, value, metadata) {
      values.set(key, { bytes: typeof value === 'string' ? new TextEncoder().encode(value) : value.slice(), metadata });
    },
    async delete(key) {
      values.delete(key);
    },
    async list<M>(prefix: string) {
      return [...values.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b))
        .map(([name, v]) => ({ name, ...(v.metadata === undefined ? {} : { metadata: v.metadata as M }) }));
    },
    close: async () => {},
  };
}

// a KV namespace in memory with the two methods the worker's model loader and the registry helpers
// use, for running the bundled worker outside workerd (npm run bench:edge, the deploy test).

export interface MemoryKv {
  put(key: string, value: string | Uint8Array): Promise<void>;
  get(key: string, type: 'text' | 'arrayBuffer'): Promise<string | ArrayBuffer | null>;
}

export function memoryKv(): MemoryKv {
  const values = new Map<string, Uint8Array>();
  return {
    async put(key, value) {
      values.set(key, typeof value === 'string' ? new TextEncoder().encode(value) : value.slice());
    },
    async get(key, type) {
      const v = values.get(key);
      if (v === undefined) return null;
      return type === 'text' ? new TextDecoder().decode(v) : v.slice().buffer;
    },
  };
}

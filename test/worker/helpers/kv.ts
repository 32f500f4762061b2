// KV as the loader sees it, with faults on demand: the real binding underneath, every read
// recorded, and reads that fail or never answer when a test says so.

export interface FaultyKv {
  kv: KVNamespace;
  reads: string[];
  mode: 'ok' | 'throw' | 'hang';
}

export function faultyKv(real: KVNamespace): FaultyKv {
  const state: FaultyKv = {
    reads: [],
    mode: 'ok',
    kv: {
      get: (key: string, type: 'text' | 'arrayBuffer') => {
        state.reads.push(key);
        if (state.mode === 'throw') return Promise.reject(new Error('KV GET failed: 500 internal error'));
        if (state.mode === 'hang') return new Promise(() => {});
        return real.get(key, type as 'text');
      },
      // one read, as get: the value and the metadata the uploader stored beside it
      getWithMetadata: (key: string, type: 'text' | 'arrayBuffer') => {
        state.reads.push(key);
        if (state.mode === 'throw') return Promise.reject(new Error('KV GET failed: 500 internal error'));
        if (state.mode === 'hang') return new Promise(() => {});
        return real.getWithMetadata(key, type as 'text');
      },
    } as unknown as KVNamespace,
  };
  return state;
}

export async function clearKv(kv: KVNamespace): Promise<void> {
  for (;;) {
    const { keys, list_complete } = await kv.list();
    await Promise.all(keys.map((k) => kv.delete(k.name)));
    if (list_complete) return;
  }
}

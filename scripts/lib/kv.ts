import { openLocalKv } from './kv-local';
import { openWranglerKv } from './kv-wrangler';

// Workers KV as the scripts see it: get, put and list on one namespace, whichever store is behind it.
//   local (default): in process, through wrangler's getPlatformProxy(): the very store `wrangler dev` reads
//   --remote: the deployed namespace, through wrangler's CLI (one process per operation)

export const BINDING = 'MODELS';

export interface KvTarget {
  remote: boolean;
  persistTo?: string; // local store folder, when not wrangler's default (.wrangler/state)
}

export interface KvListEntry<M> {
  name: string;
  metadata?: M;
}

export interface KvStore {
  /** the value's bytes, or null when the key does not exist */
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, value: Uint8Array | string, metadata?: unknown): Promise<void>;
  /** removes the key; a missing key is no error */
  delete(key: string): Promise<void>;
  /** every key under the prefix, with its metadata */
  list<M>(prefix: string): Promise<KvListEntry<M>[]>;
  /** releases the store (the local one runs workerd until then) */
  close(): Promise<void>;
}

export function openKv(target: KvTarget, binding = BINDING): Promise<KvStore> {
  return target.remote ? Promise.resolve(openWranglerKv({ remote: true }, binding)) : openLocalKv(target.persistTo, binding);
}

/** runs `work` on a store: an open one as it is, a target opened for the call and closed after */
export async function withKv<T>(kv: KvStore | KvTarget, work: (store: KvStore) => Promise<T>): Promise<T> {
  if ('get' in kv) return work(kv);
  const store = await openKv(kv);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

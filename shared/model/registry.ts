// where models live in Workers KV. each model is stored once under an immutable key named by
// its checksum; one small pointer names the current one, so switching models is a single write.

export const MODEL_KEY_PREFIX = 'models/';
export const CURRENT_POINTER_KEY = 'pointer/current';

export const modelKey = (version: string): string => `${MODEL_KEY_PREFIX}${version}`;

export interface ModelPointer {
  version: string; // the current model
  previous: string[]; // earlier current versions, newest first: rollback pops from here
  updatedAt: string; // ISO date
}

/** KV metadata stored beside each model so listing needs no model download */
export interface ModelKeyMetadata {
  version: string;
  testAccuracy: number; // on the MNIST test set, scored by the uploader (not copied from the file)
  dtype: string;
  sizes: number[];
  createdAt: string;
  bytes: number;
}

export function parsePointer(text: string | null): ModelPointer | null {
  if (text === null) return null;
  try {
    const p = JSON.parse(text) as ModelPointer;
    if (typeof p?.version !== 'string' || !/^[0-9a-f]{16}$/.test(p.version)) return null;
    return { version: p.version, previous: Array.isArray(p.previous) ? p.previous.filter((v) => typeof v === 'string') : [], updatedAt: String(p.updatedAt ?? '') };
  } catch {
    return null;
  }
}

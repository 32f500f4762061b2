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

/**
 * KV metadata stored beside each model by `npm run upload`, so listing needs no model download and
 * the Worker shows an accuracy it did not take from the file. a model put in KV another way (a test,
 * `wrangler kv key put`) has none: the Worker shows its accuracy as null, "not measured".
 */
export interface ModelKeyMetadata {
  version: string;
  testAccuracy: number; // on the MNIST test set, scored by the uploader (not copied from the file)
  dtype: string;
  sizes: number[];
  createdAt: string | null; // the file's own date (ISO), null when it has none; 1970-01-01 in a reproducible build
  uploadedAt?: string; // ISO date of the upload; absent in uploads made before it was recorded
  bytes: number;
}

/** what the uploader measured, read from a model key's KV metadata; null unless it is whole and names `version` */
export interface MeasuredModel {
  testAccuracy: number; // 0..1
  uploadedAt: string | null;
}

export function measuredFrom(metadata: unknown, version: string): MeasuredModel | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const m = metadata as Partial<Record<keyof ModelKeyMetadata, unknown>>;
  const acc = m.testAccuracy;
  if (m.version !== version || typeof acc !== 'number' || !(acc >= 0 && acc <= 1)) return null;
  return { testAccuracy: acc, uploadedAt: typeof m.uploadedAt === 'string' ? m.uploadedAt : null };
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

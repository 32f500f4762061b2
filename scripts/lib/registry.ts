import { readFileSync } from 'node:fs';
import type { DecodedModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import {
  CURRENT_POINTER_KEY, MODEL_KEY_PREFIX, modelKey, parsePointer, type ModelKeyMetadata, type ModelPointer,
} from '../../shared/model/registry';
import { decodeServable, UnservableModelError } from '../../shared/model/servable';
import { evaluate } from './evaluate';
import { withKv, type KvStore, type KvTarget } from './kv';
import { loadMnist, type Split } from './mnist';
import { withPublishLock } from './publish-lock';

// the model registry in KV: immutable models under models/<version>, one pointer to the current one.
// every change is verified before the pointer moves, so a Worker never sees a half-written model, and
// publishing fails closed: a model is compared with the live one by scoring both here, and when the
// live one cannot be read nothing is uploaded (unless forced).
// upload and rollback hold a lock key while they work and re-read the pointer just before moving it,
// refusing when it moved (publish-lock.ts: what that guarantees on KV, which has no compare-and-swap).
// each function takes an open store (tests, several calls) or a target it opens and closes.

const HISTORY = 20;

export class RegistryError extends Error {}

/** a model file as the Worker would load it (servable.ts): `what` names it in the errors */
async function servable(bytes: Uint8Array, what: string): Promise<DecodedModel> {
  try {
    return (await decodeServable(bytes)).model;
  } catch (e) {
    if (e instanceof UnservableModelError) throw new RegistryError(`${what} ${e.message}`);
    throw e; // the decoder's own message says what is wrong with the file
  }
}

let testSet: Split | null = null;

/** accuracy on the 10,000 MNIST test images, with the forward pass the Worker runs: not the figure the file claims */
function scoreOnMnist(model: DecodedModel): number {
  testSet ??= loadMnist().test;
  return evaluate(model.network, testSet, inputSpecOf(model.header)).accuracy;
}

/** the current pointer, or null when none was ever written; an unreadable pointer is an error, not "none" */
export async function readPointer(where: KvStore | KvTarget): Promise<ModelPointer | null> {
  return withKv(where, async (kv) => {
    const raw = await kv.get(CURRENT_POINTER_KEY);
    if (raw === null) return null;
    const pointer = parsePointer(new TextDecoder().decode(raw));
    if (pointer === null) throw new RegistryError(`${CURRENT_POINTER_KEY} is not a valid pointer; \`npm run upload -- --force\` replaces it`);
    return pointer;
  });
}

function keyMetadata(m: DecodedModel, accuracy: number): ModelKeyMetadata {
  const { dtype, architecture, metadata } = m.header;
  return {
    version: m.version, testAccuracy: accuracy, dtype, sizes: architecture.sizes, createdAt: metadata.createdAt ?? null, uploadedAt: new Date().toISOString(), bytes: m.bytes,
  };
}

/**
 * makes `version` current, unless the pointer moved since `read` was read: then refuses, naming both,
 * so a publish never overwrites one it did not compare with. with the publish lock (publish-lock.ts)
 * held this refuses only a writer that bypassed the lock; KV has no compare-and-swap, so a write in
 * the moment between this re-read and the put still goes unseen (publish-lock.ts says when that can be)
 */
async function movePointer(kv: KvStore, read: ModelPointer | null, version: string, previous: string[], what: string): Promise<ModelPointer> {
  // a pointer that was unreadable when read (what --force replaces) and still is has not moved
  const now = await readPointer(kv).catch((e) => {
    if (read === null && e instanceof RegistryError) return null;
    throw e;
  });
  if (!samePointer(now, read)) {
    throw new RegistryError(
      `the current model changed from ${read?.version ?? 'none'} to ${now?.version ?? 'none'}${now?.version === read?.version ? ' (rewritten)' : ''} while this ${what} ran; ` +
        'nothing was moved: run it again',
    );
  }
  const pointer: ModelPointer = { version, previous: previous.filter((v) => v !== version).slice(0, HISTORY), updatedAt: new Date().toISOString() };
  await kv.put(CURRENT_POINTER_KEY, JSON.stringify(pointer));
  const back = await readPointer(kv);
  if (back?.version !== version) throw new RegistryError(`the pointer did not read back as ${version}; try again`);
  return pointer;
}

const samePointer = (a: ModelPointer | null, b: ModelPointer | null): boolean =>
  a === b || (a !== null && b !== null && a.version === b.version && a.updatedAt === b.updatedAt && a.previous.join() === b.previous.join());

/** a stored model as the Worker would load it; throws with the reason it cannot be used */
async function fetchServable(kv: KvStore, version: string): Promise<DecodedModel> {
  const bytes = await kv.get(modelKey(version));
  if (bytes === null) throw new RegistryError(`${modelKey(version)} is missing`);
  const model = await servable(bytes, modelKey(version));
  if (model.version !== version) throw new RegistryError(`${modelKey(version)} holds model ${model.version}`);
  return model;
}

export interface Scored {
  version: string;
  accuracy: number; // on the 10,000 MNIST test images, scored here
}

export interface UploadResult {
  model: DecodedModel;
  /** the candidate's test accuracy, scored here (the file's own figure is model.header.metadata.testAccuracy) */
  accuracy: number;
  previous: ModelPointer | null;
  /** the live model as scored for the comparison; null when there was none or --force skipped it */
  live: Scored | null;
  alreadyCurrent: boolean;
}

/**
 * uploads a model file, reads it back, then makes it current. refuses a model a Worker would refuse
 * (always), and unless forced, one that scores below the live model or when the live model cannot be read
 */
export async function uploadModel(path: string, where: KvStore | KvTarget, force = false): Promise<UploadResult> {
  const bytes = new Uint8Array(readFileSync(path));
  const model = await servable(bytes, path); // before touching KV
  const accuracy = scoreOnMnist(model);
  return withKv(where, (kv) => withPublishLock(kv, `upload of ${model.version}`, async () => {
    const current = await readPointer(kv).catch((e) => {
      if (force && e instanceof RegistryError) return null; // an unreadable pointer is what --force replaces
      throw e;
    });
    if (current?.version === model.version) return { model, accuracy, previous: current, live: null, alreadyCurrent: true };
    let live: Scored | null = null;
    if (current && !force) {
      const liveModel = await fetchServable(kv, current.version).catch((e: Error) => {
        throw new RegistryError(
          `cannot read the live model ${current.version} to compare with (${e.message}), so nothing was uploaded; ` +
            'pass --force to upload without the comparison',
        );
      });
      live = { version: current.version, accuracy: scoreOnMnist(liveModel) };
      if (accuracy < live.accuracy) {
        throw new RegistryError(
          `refusing to replace the current model ${live.version} (test accuracy ${pct(live.accuracy)}) with a worse one (${pct(accuracy)}), ` +
            'both scored here on the MNIST test set; pass --force to upload it anyway',
        );
      }
    }
    const key = modelKey(model.version);
    await kv.put(key, bytes, keyMetadata(model, accuracy));
    const back = await kv.get(key);
    if (back === null || back.length !== bytes.length || !back.every((b, i) => b === bytes[i])) {
      throw new RegistryError(`${key} did not read back identical to ${path}; the current model was left unchanged, try again`);
    }
    await movePointer(kv, current, model.version, current ? [current.version, ...current.previous] : [], 'upload');
    return { model, accuracy, previous: current, live, alreadyCurrent: false };
  }));
}

const pct = (a: number) => `${(a * 100).toFixed(2)}%`;

export interface ListedModel extends ModelKeyMetadata {
  current: boolean;
}

/** KV metadata as it was stored, by any version of these scripts or by hand: each field of its type or a placeholder */
function listed(version: string, m: Partial<Record<keyof ModelKeyMetadata, unknown>> | undefined, current: boolean): ListedModel {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const sizes = Array.isArray(m?.sizes) && m.sizes.every((s) => typeof s === 'number') ? (m.sizes as number[]) : [];
  const uploadedAt = text(m?.uploadedAt);
  return {
    version, current,
    testAccuracy: typeof m?.testAccuracy === 'number' ? m.testAccuracy : NaN,
    dtype: text(m?.dtype) ?? '?', sizes,
    createdAt: text(m?.createdAt) ?? (typeof m?.createdAt === 'number' ? new Date(m.createdAt).toISOString() : null),
    ...(uploadedAt ? { uploadedAt } : {}),
    bytes: typeof m?.bytes === 'number' ? m.bytes : 0,
  };
}

/** the date a model is listed by: its upload, else the date its file claims, else none (''); 1970-01-01 is a reproducible build's "no date" */
export const listedDate = (m: ListedModel): string => m.uploadedAt ?? (m.createdAt?.startsWith('1970-01-01') ? '' : m.createdAt) ?? '';

/** one line of `npm run models`: '*' for the current model, then version, measured accuracy, dtype, sizes, size and date */
export function listedLine(m: ListedModel): string {
  const accuracy = Number.isFinite(m.testAccuracy) ? `${(m.testAccuracy * 100).toFixed(2)}%` : '—';
  const date = listedDate(m);
  const when = date === '' ? '—' : `${m.uploadedAt ? 'uploaded' : 'created'} ${date.replace('T', ' ').slice(0, 16)} UTC`;
  return `${m.current ? '*' : ' '} ${m.version}  ${accuracy.padStart(6)}  ${m.dtype.padEnd(7)}  ${m.sizes.join('-').padEnd(14)}  ${(m.bytes / 1024).toFixed(0).padStart(5)} KiB  ${when}`;
}

export async function listModels(where: KvStore | KvTarget): Promise<ListedModel[]> {
  return withKv(where, async (kv) => {
    const entries = await kv.list<Partial<Record<keyof ModelKeyMetadata, unknown>>>(MODEL_KEY_PREFIX);
    const pointer = await readPointer(kv).catch(() => null); // listing still works beside a broken pointer
    return entries
      .map((e) => {
        const version = e.name.slice(MODEL_KEY_PREFIX.length);
        return listed(version, e.metadata, version === pointer?.version);
      })
      .sort((a, b) => listedDate(b).localeCompare(listedDate(a)));
  });
}

/** makes the previous current model current again, skipping any a Worker would refuse */
export async function rollback(where: KvStore | KvTarget): Promise<{ from: string; to: string; skipped: string[] }> {
  return withKv(where, (kv) => withPublishLock(kv, 'rollback', async () => {
    const pointer = await readPointer(kv);
    if (!pointer) throw new RegistryError('there is no current model to roll back from; upload one with `npm run upload`');
    const skipped: string[] = [];
    for (let i = 0; i < pointer.previous.length; i++) {
      const candidate = pointer.previous[i];
      try {
        await fetchServable(kv, candidate);
      } catch (e) {
        skipped.push(`${candidate}: ${(e as Error).message}`); // missing, corrupt or unfit: skip it rather than serve it
        continue;
      }
      await movePointer(kv, pointer, candidate, pointer.previous.slice(i + 1), 'rollback');
      return { from: pointer.version, to: candidate, skipped };
    }
    throw new RegistryError(`no earlier model to roll back to from ${pointer.version}${skipped.length ? ` (unusable: ${skipped.join('; ')})` : ''}`);
  }));
}

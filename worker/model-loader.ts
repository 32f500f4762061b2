import type { DecodedModel } from '../shared/model/format';
import type { Predictor } from '../shared/model/predict';
import { CURRENT_POINTER_KEY, measuredFrom, modelKey, parsePointer, type MeasuredModel } from '../shared/model/registry';
import { decodeServable, UnservableModelError, type ServableModel } from '../shared/model/servable';
import { ApiError } from './errors';

// one decoded model per isolate, kept in module scope by index.ts.
// - the first requests share one in-flight load; if it fails, the next try waits retryMs: requests
//   in between get the same 503 at no KV read (a bad pointer would otherwise cost reads per request).
// - afterwards the pointer is re-read at most every refreshMs, in the background (waitUntil):
//   a request that already has a model never waits on KV, so a slow or failing KV read adds no
//   latency, and the swap is one assignment, so requests in flight keep the model they started with.
// - a pointer to a missing or bad model (checksum, truncation, NaN weights, KV error, or one that
//   shared/model/servable.ts refuses: over the budget, activations that can overflow float32) keeps the last
//   good model; only an isolate that never loaded one answers 503.
// - with nothing loaded yet, a bad current model falls back to the pointer's previous versions.
// - the accuracy shown is the one `npm run upload` stored in the model key's KV metadata (measured),
//   read in the same getWithMetadata as the file; the file's own claim is never shown.

export interface LoadedModel {
  model: DecodedModel;
  predictor: Predictor;
  file: Uint8Array; // the model file as stored, for GET /model/weights
  measured: MeasuredModel | null; // what `npm run upload` measured, from the key's KV metadata; null for a model put there another way
  loadedAt: string; // ISO date
}

export interface ModelStatus {
  current: LoadedModel | null;
  /** the version pointer/current named when it was last read successfully */
  pointerVersion: string | null;
  /** ms since epoch of the last pointer check, successful or not */
  checkedAt: number | null;
  /** why the last load or refresh did not end on the pointer's model */
  lastError: string | null;
}

export interface ModelLoader {
  /** the model to answer with; waits only when none is loaded; throws 503 model_unavailable */
  get(kv: KVNamespace, refreshMs: number, waitUntil: (p: Promise<unknown>) => void): Promise<LoadedModel>;
  status(): ModelStatus;
}

export interface ModelLoaderOptions {
  now?: () => number;
  log?: (message: string) => void;
  /** seconds a client should wait after a 503 */
  retryAfterSeconds?: number;
  /** a load or refresh that takes longer fails, so a hung KV read cannot stall requests or block later refreshes */
  timeoutMs?: number;
  /** after a failed first load, the next one starts no sooner than this */
  retryMs?: number;
}

/** how many of pointer.previous a fresh isolate tries when the current model is bad */
const MAX_FALLBACKS = 3;

class LoadError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LoadError(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createModelLoader(options: ModelLoaderOptions = {}): ModelLoader {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((m: string) => console.warn(m));
  const retryAfter = String(options.retryAfterSeconds ?? 10);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryMs = options.retryMs ?? 5_000;

  let current: LoadedModel | null = null;
  let firstLoad: Promise<LoadedModel> | null = null;
  let refreshing: Promise<void> | null = null;
  let pointerVersion: string | null = null;
  let checkedAt: number | null = null;
  let lastError: string | null = null;
  /** the 503 of the last failed first load, and when it failed: answered again until retryMs has passed */
  let failed: { error: ApiError; at: number } | null = null;

  async function kvGet<T>(what: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      throw new LoadError(`reading ${what} from KV failed (${(e as Error)?.message ?? String(e)})`);
    }
  }

  async function readPointer(kv: KVNamespace) {
    const text = await kvGet(CURRENT_POINTER_KEY, () => kv.get(CURRENT_POINTER_KEY, 'text'));
    const pointer = parsePointer(text);
    if (pointer === null) throw new LoadError(text === null ? `no model has been uploaded (${CURRENT_POINTER_KEY} is missing)` : `${CURRENT_POINTER_KEY} is not a valid pointer`);
    pointerVersion = pointer.version;
    return pointer;
  }

  async function readModel(kv: KVNamespace, version: string): Promise<LoadedModel> {
    const key = modelKey(version);
    // the same one read as get(): the metadata comes with the value
    const { value: buffer, metadata } = await kvGet(key, () => kv.getWithMetadata(key, 'arrayBuffer'));
    if (buffer === null) throw new LoadError(`${key} is missing`);
    const file = new Uint8Array(buffer);
    let servable: ServableModel;
    try {
      servable = await decodeServable(file);
    } catch (e) {
      throw new LoadError(`${key} ${e instanceof UnservableModelError ? '' : 'is unusable: '}${(e as Error).message}`);
    }
    const { model, predictor } = servable;
    if (model.version !== version) throw new LoadError(`${key} holds model ${model.version}, not ${version}`);
    return { model, predictor, file, measured: measuredFrom(metadata, version), loadedAt: new Date(now()).toISOString() };
  }

  /** the pointer's model, else the newest good one of its previous versions */
  async function firstGood(kv: KVNamespace): Promise<LoadedModel> {
    const pointer = await readPointer(kv);
    const problems: string[] = [];
    for (const version of [pointer.version, ...pointer.previous.slice(0, MAX_FALLBACKS)]) {
      try {
        const loaded = await readModel(kv, version);
        lastError = problems.length ? `serving ${version} because ${problems.join('; ')}` : null;
        if (lastError) log(`model loader: ${lastError}`);
        return loaded;
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        problems.push(e.message);
      }
    }
    throw new LoadError(problems.join('; '));
  }

  async function load(kv: KVNamespace): Promise<LoadedModel> {
    checkedAt = now();
    try {
      current = await withTimeout(firstGood(kv), timeoutMs, 'loading the model');
      failed = null;
      return current;
    } catch (e) {
      lastError = e instanceof LoadError ? e.message : `unexpected: ${String(e)}`;
      log(`model loader: no model loaded: ${lastError}`);
      const error = new ApiError(503, 'model_unavailable', `no model is available yet: ${lastError}; try again later`, { 'Retry-After': retryAfter });
      failed = { error, at: now() };
      throw error;
    }
  }

  async function refresh(kv: KVNamespace, loaded: LoadedModel): Promise<void> {
    checkedAt = now();
    try {
      const pointer = await withTimeout(readPointer(kv), timeoutMs, 'reading the pointer');
      if (pointer.version === loaded.model.version) {
        lastError = null;
        return;
      }
      current = await withTimeout(readModel(kv, pointer.version), timeoutMs, `loading ${pointer.version}`);
      lastError = null;
      log(`model loader: now serving ${pointer.version} (was ${loaded.model.version})`);
    } catch (e) {
      lastError = e instanceof LoadError ? e.message : `unexpected: ${String(e)}`;
      log(`model loader: keeping ${loaded.model.version}: ${lastError}`);
    }
  }

  return {
    async get(kv, refreshMs, waitUntil) {
      const loaded = current;
      if (loaded === null) {
        if (firstLoad === null && failed !== null && now() - failed.at < retryMs) throw failed.error;
        firstLoad ??= load(kv).finally(() => (firstLoad = null));
        return firstLoad;
      }
      if (refreshing === null && (checkedAt === null || now() - checkedAt >= refreshMs)) {
        refreshing = refresh(kv, loaded).finally(() => (refreshing = null));
        waitUntil(refreshing);
      }
      return loaded;
    },
    status: () => ({ current, pointerVersion, checkedAt, lastError }),
  };
}

/** MODEL_REFRESH_SECONDS as milliseconds; anything unparsable means the default minute */
export function refreshMsFrom(value: string | undefined): number {
  const seconds = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}

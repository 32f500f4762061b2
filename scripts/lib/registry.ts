import { readFileSync } from 'node:fs';
import { decodeModel, type DecodedModel } from '../../shared/model/format';
import {
  CURRENT_POINTER_KEY, MODEL_KEY_PREFIX, modelKey, parsePointer, type ModelKeyMetadata, type ModelPointer,
} from '../../shared/model/registry';
import { kvGet, kvList, kvPutFile, kvPutText, type KvTarget } from './kv';

// the model registry in KV: immutable models under models/<version>, one pointer to the current one.
// every change is verified before the pointer moves, so a Worker never sees a half-written model.

const HISTORY = 20;

export class RegistryError extends Error {}

export async function readPointer(target: KvTarget): Promise<ModelPointer | null> {
  const raw = await kvGet(CURRENT_POINTER_KEY, target);
  return raw === null ? null : parsePointer(new TextDecoder().decode(raw));
}

async function fetchModel(version: string, target: KvTarget): Promise<DecodedModel | null> {
  const bytes = await kvGet(modelKey(version), target);
  return bytes === null ? null : decodeModel(bytes);
}

function keyMetadata(m: DecodedModel): ModelKeyMetadata {
  const { metadata, dtype, architecture } = m.header;
  return { version: m.version, testAccuracy: metadata.testAccuracy, dtype, sizes: architecture.sizes, createdAt: metadata.createdAt, bytes: m.bytes };
}

async function movePointer(version: string, previous: string[], target: KvTarget): Promise<ModelPointer> {
  const pointer: ModelPointer = { version, previous: previous.filter((v) => v !== version).slice(0, HISTORY), updatedAt: new Date().toISOString() };
  await kvPutText(CURRENT_POINTER_KEY, JSON.stringify(pointer), target);
  const back = await readPointer(target);
  if (back?.version !== version) throw new RegistryError(`the pointer did not read back as ${version}; try again`);
  return pointer;
}

export interface UploadResult {
  model: DecodedModel;
  previous: ModelPointer | null;
  alreadyCurrent: boolean;
}

/** uploads a model file, reads it back, then makes it current; refuses a worse model unless forced */
export async function uploadModel(path: string, target: KvTarget, force = false): Promise<UploadResult> {
  const bytes = new Uint8Array(readFileSync(path));
  const model = await decodeModel(bytes);
  const current = await readPointer(target);
  if (current?.version === model.version) return { model, previous: current, alreadyCurrent: true };
  if (current && !force) {
    const live = await fetchModel(current.version, target).catch(() => null);
    const liveAcc = live?.header.metadata.testAccuracy;
    if (liveAcc !== undefined && model.header.metadata.testAccuracy < liveAcc) {
      throw new RegistryError(
        `refusing to replace the current model ${current.version} (test accuracy ${(liveAcc * 100).toFixed(2)}%) with a worse one ` +
          `(${(model.header.metadata.testAccuracy * 100).toFixed(2)}%); pass --force to upload it anyway`,
      );
    }
  }
  const key = modelKey(model.version);
  await kvPutFile(key, path, target, keyMetadata(model));
  const back = await kvGet(key, target);
  if (back === null || back.length !== bytes.length || !back.every((b, i) => b === bytes[i])) {
    throw new RegistryError(`${key} did not read back identical to ${path}; the current model was left unchanged, try again`);
  }
  await decodeModel(back);
  await movePointer(model.version, current ? [current.version, ...current.previous] : [], target);
  return { model, previous: current, alreadyCurrent: false };
}

export interface ListedModel extends ModelKeyMetadata {
  current: boolean;
}

export async function listModels(target: KvTarget): Promise<ListedModel[]> {
  const [entries, pointer] = await Promise.all([kvList<ModelKeyMetadata>(MODEL_KEY_PREFIX, target), readPointer(target)]);
  return entries
    .map((e) => {
      const version = e.name.slice(MODEL_KEY_PREFIX.length);
      const m = e.metadata;
      return {
        version, current: version === pointer?.version,
        testAccuracy: m?.testAccuracy ?? NaN, dtype: m?.dtype ?? '?', sizes: m?.sizes ?? [], createdAt: m?.createdAt ?? '', bytes: m?.bytes ?? 0,
      };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** makes the previous current model current again, after checking it still decodes */
export async function rollback(target: KvTarget): Promise<{ from: string; to: string }> {
  const pointer = await readPointer(target);
  if (!pointer) throw new RegistryError('there is no current model to roll back from; upload one with `npm run upload`');
  for (let i = 0; i < pointer.previous.length; i++) {
    const candidate = pointer.previous[i];
    const model = await fetchModel(candidate, target).catch(() => null);
    if (model === null) continue; // missing or corrupt: skip it rather than serve it
    await movePointer(candidate, pointer.previous.slice(i + 1), target);
    return { from: pointer.version, to: candidate };
  }
  throw new RegistryError(`no earlier model to roll back to from ${pointer.version}`);
}

import { D, K } from '../../../shared/dims';
import { encodeModel, versionOf, type ModelDtype, type ModelMetadata } from '../../../shared/model/format';
import { CURRENT_POINTER_KEY, modelKey, type ModelKeyMetadata, type ModelPointer } from '../../../shared/model/registry';
import { createNetwork, initHe, type Network } from '../../../shared/model/network';
import { createRng } from '../../../shared/rng';
import { sha256Hex } from '../../../shared/checksum';

// real model files for the worker tests, built with the shared encoder.

export const METADATA: ModelMetadata = {
  createdAt: '2026-11-01T00:00:00.000Z',
  dataset: 'hand-set weights (test)',
  testAccuracy: 0.5,
  training: { optimizer: 'none', epochs: 0 },
};

/** the logit a lit pixel gives its digit: big enough that the answer is unmistakable */
export const GAIN = 10;

/**
 * a 784-10-10 net whose answer is computable by hand: hidden unit h copies pixel h (0..9 of the
 * top row), and output k reads hidden unit (k - shift) mod 10 with weight GAIN. so an image whose
 * only ink is pixel p is classified as digit (p + shift) mod 10 with probability
 * e^(GAIN·v/255) / (e^(GAIN·v/255) + 9) for ink value v. wider or more hidden layers (each at
 * least 10 units) pass units 0..9 straight through and leave the rest at 0: the same answer, from
 * a file whose layers have other sizes. every weight is 0, 1 or GAIN, alone in its row, so int8
 * quantization keeps them to within float32 rounding.
 */
export function handNetwork(shift = 0, hidden: number[] = [K]): Network {
  if (hidden.some((h) => h < K)) throw new RangeError(`handNetwork: hidden layers need at least ${K} units, got [${hidden}]`);
  const net = createNetwork([D, ...hidden, K]);
  const last = net.layers.length - 1;
  net.layers.forEach((layer, l) => {
    // weight (IN, OUT): row i is input unit i
    for (let h = 0; h < K; h++) layer.weight[h * layer.outSize + (l === last ? (h + shift) % K : h)] = l === last ? GAIN : 1;
  });
  return net;
}

/** softmax of the logits above, in float64: what the worker should answer to within float32 error */
export function expectedProbabilities(pixel: number, value: number, shift = 0): number[] {
  const logits = new Array(K).fill(0);
  if (pixel < K) logits[(pixel + shift) % K] = (GAIN * value) / 255;
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** one lit pixel on black, as 784 values */
export function dotImage(pixel: number, value = 255): number[] {
  const img = new Array(D).fill(0);
  img[pixel] = value;
  return img;
}

export function randomNetwork(seed: number, hidden = 16): Network {
  const net = createNetwork([D, hidden, K]);
  initHe(net, createRng(seed));
  return net;
}

export interface ModelFile {
  bytes: Uint8Array;
  version: string;
}

export async function modelFile(net: Network, metadata: ModelMetadata = METADATA, dtype: ModelDtype = 'float32'): Promise<ModelFile> {
  const bytes = await encodeModel(net, metadata, dtype);
  // the version is the checksum's prefix, computed over everything after the 52-byte prefix
  return { bytes, version: versionOf(await sha256Hex(bytes.subarray(52))) };
}

/** the one KV method these helpers use, so this file also loads in Node (test/tools/write-test-model.ts) */
interface Store {
  put(key: string, value: string | Uint8Array, options?: { metadata?: unknown }): Promise<unknown>;
}

/** stores the file under its key; with `measured`, the KV metadata `npm run upload` writes beside it */
export async function putModel(kv: Store, file: ModelFile, version = file.version, measured?: ModelKeyMetadata): Promise<void> {
  await kv.put(modelKey(version), file.bytes, measured === undefined ? undefined : { metadata: measured });
}

export async function pointTo(kv: Store, version: string, previous: string[] = []): Promise<void> {
  const pointer: ModelPointer = { version, previous, updatedAt: new Date().toISOString() };
  await kv.put(CURRENT_POINTER_KEY, JSON.stringify(pointer));
}

/** stores the model and makes it current */
export async function publish(kv: Store, file: ModelFile, previous: string[] = []): Promise<void> {
  await putModel(kv, file);
  await pointTo(kv, file.version, previous);
}

// ---------------------------------------------------------------- broken files, each with a version to point at

/** one payload byte flipped: the stored checksum no longer matches */
export function withBadChecksum(file: ModelFile): ModelFile {
  const bytes = file.bytes.slice();
  bytes[bytes.length - 3] ^= 0xff;
  return { bytes, version: file.version };
}

/** the upload stopped half way */
export function truncated(file: ModelFile): ModelFile {
  return { bytes: file.bytes.slice(0, Math.floor(file.bytes.length / 2)), version: file.version };
}

/** a diverged training run: NaN weights, yet a checksum that matches them */
export async function withNaNWeights(): Promise<ModelFile> {
  const net = handNetwork();
  net.layers[1].weight[3] = Number.NaN;
  return modelFile(net);
}

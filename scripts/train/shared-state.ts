import { D } from '../../shared/dims';
import { paramCount, type LayerKind } from '../../shared/model/network';

// the memory that trainer threads share (SharedArrayBuffer): parameters, optimizer moments,
// one gradient buffer per shard, the data, and a few counters. P = parameter count, S = shards,
// N = training images, M = test images, T = threads, K = classes.

export const CTRL = {
  barrierCount: 0,
  barrierGeneration: 1,
  samplesDone: 2, // progress within the epoch, for the progress bar
  stepsDone: 3, // optimizer steps since the start of training
  length: 4,
} as const;

export interface SharedBuffers {
  params: SharedArrayBuffer; // f32 (P)
  m: SharedArrayBuffer; // f32 (P) first moment / momentum
  v: SharedArrayBuffer; // f32 (P) second moment
  grads: SharedArrayBuffer; // f32 (S, P)
  trainImages: SharedArrayBuffer; // u8 (N, D)
  trainLabels: SharedArrayBuffer; // u8 (N)
  testImages: SharedArrayBuffer; // u8 (M, D)
  testLabels: SharedArrayBuffer; // u8 (M)
  order: SharedArrayBuffer; // u32 (N) this epoch's shuffled sample order
  control: SharedArrayBuffer; // i32 (CTRL.length)
  trainStats: SharedArrayBuffer; // f64 (S, 2): summed loss and correct count this epoch
  evalStats: SharedArrayBuffer; // f64 (T, 2 + K*K): summed loss, correct, confusion counts
}

export interface SharedViews {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  grads: Float32Array[];
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
  order: Uint32Array;
  control: Int32Array;
  trainStats: Float64Array;
  evalStats: Float64Array;
}

export const EVAL_STRIDE = (K: number) => 2 + K * K;

function sharedCopy(src: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(src.byteLength);
  new Uint8Array(sab).set(src);
  return sab;
}

export function allocate(
  sizes: readonly number[], kinds: readonly LayerKind[], shards: number, threads: number,
  train: { images: Uint8Array; labels: Uint8Array }, test: { images: Uint8Array; labels: Uint8Array },
): SharedBuffers {
  const P = paramCount(sizes, kinds);
  const K = sizes[sizes.length - 1];
  return {
    params: new SharedArrayBuffer(4 * P),
    m: new SharedArrayBuffer(4 * P),
    v: new SharedArrayBuffer(4 * P),
    grads: new SharedArrayBuffer(4 * P * shards),
    trainImages: sharedCopy(train.images),
    trainLabels: sharedCopy(train.labels),
    testImages: sharedCopy(test.images),
    testLabels: sharedCopy(test.labels),
    order: new SharedArrayBuffer(4 * train.labels.length),
    control: new SharedArrayBuffer(4 * CTRL.length),
    trainStats: new SharedArrayBuffer(8 * 2 * shards),
    evalStats: new SharedArrayBuffer(8 * EVAL_STRIDE(K) * threads),
  };
}

export function views(b: SharedBuffers, sizes: readonly number[], kinds: readonly LayerKind[], shards: number): SharedViews {
  const P = paramCount(sizes, kinds);
  const grads: Float32Array[] = [];
  for (let s = 0; s < shards; s++) grads.push(new Float32Array(b.grads, 4 * P * s, P));
  if (new Uint8Array(b.trainImages).length !== new Uint8Array(b.trainLabels).length * D) throw new Error('training images and labels disagree');
  return {
    params: new Float32Array(b.params),
    m: new Float32Array(b.m),
    v: new Float32Array(b.v),
    grads,
    trainImages: new Uint8Array(b.trainImages),
    trainLabels: new Uint8Array(b.trainLabels),
    testImages: new Uint8Array(b.testImages),
    testLabels: new Uint8Array(b.testLabels),
    order: new Uint32Array(b.order),
    control: new Int32Array(b.control),
    trainStats: new Float64Array(b.trainStats),
    evalStats: new Float64Array(b.evalStats),
  };
}

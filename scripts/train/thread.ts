import { parentPort, workerData } from 'node:worker_threads';
import { D } from '../../shared/dims';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createNetwork } from '../../shared/model/network';
import { adamUpdate, ADAM_DEFAULTS } from '../../shared/train/optim/adam';
import { sgdUpdate } from '../../shared/train/optim/sgd';
import { argmax } from '../../shared/model/predict';
import { crossEntropyForward } from '../../shared/model/kernels/softmax';
import { barrier } from './barrier';
import { inputScale, learningRate, type TrainConfig } from './config';
import { createShardStepper } from './shard-step';
import { CTRL, EVAL_STRIDE, views, type SharedBuffers } from './shared-state';

// a trainer thread: computes its shards of every batch, then updates its slice of the parameters.

export interface ThreadInit {
  buffers: SharedBuffers;
  config: TrainConfig;
  sizes: number[];
  thread: number;
}

export type ThreadCommand =
  | { type: 'epoch'; epoch: number; firstStep: number; totalSteps: number; stepsPerEpoch: number; count: number }
  | { type: 'evaluate' };

const { buffers, config, sizes, thread } = workerData as ThreadInit;
const T = config.threads, S = config.shards;
const sv = views(buffers, sizes, S);
const net = createNetwork(sizes, sv.params);
const shardGrads = sv.grads.map((g) => createNetwork(sizes, g));
const P = sv.params.length;
const K = sizes[sizes.length - 1];
const scale = inputScale(config);
const batch = config.optimizer === 'gd' ? sv.trainLabels.length : config.batch;
const shardCapacity = Math.ceil(batch / S);
const CHUNK = Math.min(shardCapacity, 2048);
const step = createShardStepper(config, sizes, CHUNK, scale);

// this thread's slice of the parameters for the update, aligned to 16 floats
const sliceSize = Math.ceil(P / T / 16) * 16;
const from = Math.min(P, thread * sliceSize), to = Math.min(P, from + sliceSize);

function update(lr: number, t: number): void {
  const g0 = sv.grads[0];
  for (let s = 1; s < S; s++) {
    const gs = sv.grads[s];
    for (let i = from; i < to; i++) g0[i] += gs[i];
  }
  if (config.optimizer === 'adam') {
    adamUpdate(sv.params, g0, sv.m, sv.v, lr, t, { ...ADAM_DEFAULTS, weightDecay: config.weightDecay }, from, to);
  } else {
    sgdUpdate(sv.params, g0, config.optimizer === 'sgd' ? sv.m : null, lr, config.optimizer === 'sgd' ? config.momentum : 0, config.weightDecay, from, to);
  }
}

function runEpoch(c: Extract<ThreadCommand, { type: 'epoch' }>): void {
  const N = c.count;
  let stepIndex = c.firstStep;
  for (let start = 0; start < N; start += batch) {
    const B = Math.min(batch, N - start);
    const perShard = Math.ceil(B / S);
    for (let s = thread; s < S; s += T) {
      const sFrom = start + s * perShard;
      const n = Math.max(0, Math.min(perShard, start + B - sFrom));
      if (n === 0) {
        sv.grads[s].fill(0);
        continue;
      }
      // big full-batch shards are walked in chunks that accumulate into the same gradient
      sv.grads[s].fill(0);
      let loss = 0, correct = 0;
      for (let o = 0; o < n; o += CHUNK) {
        const r = step(net, shardGrads[s], sv.trainImages, sv.trainLabels, sv.order, sFrom + o, Math.min(CHUNK, n - o), c.epoch, 1 / B);
        loss += r.loss;
        correct += r.correct;
      }
      sv.trainStats[2 * s] += loss;
      sv.trainStats[2 * s + 1] += correct;
    }
    barrier(sv.control, T);
    update(learningRate(config, stepIndex, c.stepsPerEpoch, c.totalSteps), stepIndex + 1);
    stepIndex++;
    if (thread === 0) {
      Atomics.add(sv.control, CTRL.samplesDone, B);
      Atomics.store(sv.control, CTRL.stepsDone, stepIndex);
    }
    barrier(sv.control, T);
  }
}

function evaluate(): void {
  const M = sv.testLabels.length;
  const per = Math.ceil(M / T);
  const lo = thread * per, hi = Math.min(M, lo + per);
  const B = 500;
  const ws = createWorkspace(sizes, B);
  const x = new Float32Array(B * D);
  const stats = sv.evalStats.subarray(thread * EVAL_STRIDE(K), (thread + 1) * EVAL_STRIDE(K));
  stats.fill(0);
  for (let start = lo; start < hi; start += B) {
    const n = Math.min(B, hi - start);
    for (let i = 0; i < n * D; i++) x[i] = sv.testImages[start * D + i] * scale;
    const probs = forward(net, x, n, ws);
    const labels = sv.testLabels.subarray(start, start + n);
    stats[0] += crossEntropyForward(probs, labels, n, K);
    for (let b = 0; b < n; b++) {
      const p = argmax(probs, b * K, K);
      if (p === labels[b]) stats[1]++;
      stats[2 + labels[b] * K + p]++;
    }
  }
}

parentPort!.on('message', (c: ThreadCommand) => {
  try {
    if (c.type === 'epoch') runEpoch(c);
    else evaluate();
    parentPort!.postMessage({ type: 'done' });
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
});

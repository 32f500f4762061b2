import { parentPort, workerData } from 'node:worker_threads';
import { createNetwork, type LayerKind, type Network } from '../../shared/model/network';
import { adamUpdate, ADAM_DEFAULTS } from '../../shared/train/optim/adam';
import { sgdUpdate } from '../../shared/train/optim/sgd';
import { tallyPredictions } from '../lib/evaluate';
import { barrier } from './barrier';
import { inputSpec, learningRate, type TrainConfig } from './config';
import { createShardStepper } from './shard-step';
import { CTRL, EVAL_STRIDE, views, type SharedBuffers } from './shared-state';

// a trainer thread: computes its shards of every batch, then updates its slice of the parameters.

export interface ThreadInit {
  buffers: SharedBuffers;
  config: TrainConfig;
  sizes: number[];
  kinds: LayerKind[];
  thread: number;
  teacher: Pick<Network, 'sizes' | 'kinds' | 'params'> | null; // --teacher: a copy per thread (structured clone)
}

export type ThreadCommand =
  | { type: 'epoch'; epoch: number; firstStep: number; totalSteps: number; stepsPerEpoch: number; count: number; stopAt: number }
  | { type: 'evaluate' };

const { buffers, config, sizes, kinds, thread, teacher } = workerData as ThreadInit;
const { threads, shards } = config;
const sv = views(buffers, sizes, kinds, shards);
const net = createNetwork(sizes, sv.params, kinds);
const shardGrads = sv.grads.map((g) => createNetwork(sizes, g, kinds));
const P = sv.params.length;
const K = sizes[sizes.length - 1];
const input = inputSpec(config);
const batch = config.optimizer === 'gd' ? sv.trainLabels.length : config.batch;
const shardCapacity = Math.ceil(batch / shards);
const CHUNK = Math.min(shardCapacity, 2048);
const step = createShardStepper(config, sizes, CHUNK, input, teacher && createNetwork(teacher.sizes, teacher.params, teacher.kinds));

// this thread's slice of the parameters for the update, aligned to 16 floats
const sliceSize = Math.ceil(P / threads / 16) * 16;
const from = Math.min(P, thread * sliceSize), to = Math.min(P, from + sliceSize);

function update(lr: number, t: number): void {
  const g0 = sv.grads[0];
  for (let s = 1; s < shards; s++) {
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
  for (let start = 0; start < N && stepIndex < c.stopAt; start += batch) {
    const B = Math.min(batch, N - start);
    const perShard = Math.ceil(B / shards);
    for (let s = thread; s < shards; s += threads) {
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
    barrier(sv.control, threads);
    update(learningRate(config, stepIndex, c.stepsPerEpoch, c.totalSteps), stepIndex + 1);
    stepIndex++;
    if (thread === 0) {
      Atomics.add(sv.control, CTRL.samplesDone, B);
      Atomics.store(sv.control, CTRL.stepsDone, stepIndex);
    }
    barrier(sv.control, threads);
  }
}

/** scores this thread's part of the test set into its row of evalStats */
function evaluate(): void {
  const M = sv.testLabels.length;
  const per = Math.ceil(M / threads);
  const lo = thread * per, hi = Math.min(M, lo + per);
  const { loss, correct, confusion } = tallyPredictions(net, sv.testImages, sv.testLabels, input, lo, hi);
  const stats = sv.evalStats.subarray(thread * EVAL_STRIDE(K), (thread + 1) * EVAL_STRIDE(K));
  stats[0] = loss;
  stats[1] = correct;
  stats.set(confusion, 2);
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

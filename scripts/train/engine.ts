import { Worker } from 'node:worker_threads';
import { D, K } from '../../shared/dims';
import { convName, convSizes, createNetwork, initHe, initUniform, type LayerKind, type Network } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { trainableCount } from '../lib/calibration';
import { confusionRows } from '../lib/evaluate';
import { appendSplit } from '../lib/extra-data';
import { fontTrainingSet } from '../synth/font-set';
import { pieceTrainingSet } from '../synth/piece-set';
import type { Mnist, Split } from '../lib/mnist';
import { learningRate, type TrainConfig } from './config';
import { allocate, CTRL, EVAL_STRIDE, views } from './shared-state';
import type { ThreadCommand, ThreadInit } from './thread';

// runs a training: threads compute, this thread shuffles, keeps time and reports progress.

export interface EpochResult {
  epoch: number;
  trainLoss: number; // mean over the epoch's batches, as they were trained
  trainAccuracy: number; // running: predictions made during the epoch, before each step
  testLoss: number;
  testAccuracy: number;
  seconds: number; // training only, evaluation excluded
  samplesPerSec: number;
  learningRate: number; // at the epoch's last step
  confusion: number[][]; // (K, K) [true][predicted] on the test set
}

export interface Progress {
  epoch: number;
  samplesDone: number;
  samples: number;
  loss: number; // running mean this epoch
  accuracy: number;
  samplesPerSec: number;
}

export interface TrainResult {
  network: Network; // an unshared copy of the final parameters
  epochs: EpochResult[];
  secondsTo98: number | null; // wall time from the first step until a test evaluation first reached 98%
  seconds: number; // wall time of the whole run, evaluations included
  trainSamplesPerSec: number; // over all epochs, training steps only
  sizes: number[];
}

export interface TrainHooks {
  onProgress?(p: Progress): void;
  onEpoch?(r: EpochResult): void;
  /**
   * stop after this many optimizer steps, without evaluating: the first steps of the run `config`
   * describes (same shuffles, augmentations and learning rates), for the recipe-prefix check
   * (scripts/train/prefix.ts). absent: the whole run.
   */
  stopAfterSteps?: number;
}

/** activations per image, layer by layer: [D, …, K] */
export function architecture(config: TrainConfig): number[] {
  return [...convSizes(Math.sqrt(D), config.conv), ...config.hidden, K];
}

/** one kind per layer: the convolutions, then dense layers */
export function layerKinds(config: TrainConfig): LayerKind[] {
  return [...config.conv, ...config.hidden.map((): LayerKind => 'dense'), 'dense'];
}

/** "784-conv16k3s2-conv32k3s2-64-10" */
export function describeArchitecture(config: TrainConfig): string {
  return [D, ...config.conv.map(convName), ...config.hidden, K].join('-');
}

function send(threads: Worker[], command: ThreadCommand): Promise<void> {
  return Promise.all(
    threads.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: { type: string; message?: string }) => {
            w.off('error', onError);
            if (m.type === 'done') resolve();
            else reject(new Error(`trainer thread failed: ${m.message}`));
          };
          const onError = (e: Error) => {
            w.off('message', onMessage);
            reject(e);
          };
          w.once('message', onMessage);
          w.once('error', onError);
          w.postMessage(command);
        }),
    ),
  ).then(() => undefined);
}

/**
 * data.extra (--extra: people's corrections) joins the training images after --train-limit, never the test set or the calibration images.
 * `initial`: the parameters to start from (--from: a fine-tune), instead of the seeded initialisation;
 * `teacher`: the network config.distill names (scripts/train/teacher.ts), run on every training batch
 */
export async function train(
  config: TrainConfig, data: Mnist & { extra?: Split | null }, hooks: TrainHooks = {}, initial?: Float32Array, teacher: Network | null = null,
): Promise<TrainResult> {
  if ((teacher === null) !== (config.distill === null)) throw new Error(config.distill ? `--teacher ${config.distill.teacher} was not loaded` : 'a teacher network without config.distill');
  if (config.threads < 1 || config.threads > config.shards) throw new Error(`--threads must be between 1 and --shards (${config.shards})`);
  const sizes = architecture(config);
  const kinds = layerKinds(config);
  // the calibration images at the end of the training file are never trained on
  const trainable = trainableCount(data.train.count, config.calibrationHoldout);
  const limit = config.trainLimit > 0 ? Math.min(config.trainLimit, trainable) : trainable;
  let trainSplit = appendSplit({ images: data.train.images.subarray(0, limit * D), labels: data.train.labels.subarray(0, limit) }, data.extra);
  // synthetic printed digits (--font-digits) join the training images, never the test set
  if (config.fontDigits > 0) trainSplit = appendSplit(trainSplit, fontTrainingSet(config.fontDigits, config.seed));
  // pieces of numbers cut as POST /read cuts them, from the same training images (never the calibration ones)
  if (config.pieceLines > 0) trainSplit = appendSplit(trainSplit, pieceTrainingSet(data.train, limit, config.pieceLines, config.seed));
  const N = trainSplit.labels.length;
  const buffers = allocate(sizes, kinds, config.shards, config.threads, trainSplit, data.test);
  const sv = views(buffers, sizes, kinds, config.shards);

  const rng = createRng(config.seed);
  const net = createNetwork(sizes, sv.params, kinds);
  if (config.init === 'uniform') initUniform(net, rng);
  else initHe(net, rng);
  // the initialisation still draws from rng, so a fine-tune shuffles as a run from scratch with its seed would
  if (initial) {
    if (initial.length !== net.params.length) throw new Error(`the starting model has ${initial.length} parameters, [${sizes.join(', ')}] needs ${net.params.length}`);
    net.params.set(initial);
  }

  const threads: Worker[] = [];
  for (let t = 0; t < config.threads; t++) {
    const init: ThreadInit = { buffers, config, sizes, kinds, thread: t, teacher: teacher && { sizes: teacher.sizes, kinds: teacher.kinds, params: teacher.params } };
    // the thread is TypeScript: load it through tsx whether we run under tsx, vitest or plain node
    threads.push(new Worker(new URL('./thread.ts', import.meta.url), { workerData: init, execArgv: ['--import', 'tsx'] }));
  }

  const batch = config.optimizer === 'gd' ? N : config.batch;
  const stepsPerEpoch = Math.ceil(N / batch);
  const totalSteps = stepsPerEpoch * config.epochs;
  const stopAt = Math.min(totalSteps, hooks.stopAfterSteps ?? totalSteps);
  const epochs: EpochResult[] = [];
  const started = performance.now();
  let trainSeconds = 0;
  let secondsTo98: number | null = null;

  try {
    for (let e = 0; e < config.epochs; e++) {
      for (let i = 0; i < N; i++) sv.order[i] = i;
      if (config.optimizer !== 'gd') rng.shuffle(sv.order);
      sv.trainStats.fill(0);
      Atomics.store(sv.control, CTRL.samplesDone, 0);

      const t0 = performance.now();
      const runningLoss = () => {
        let loss = 0, correct = 0;
        for (let s = 0; s < config.shards; s++) {
          loss += sv.trainStats[2 * s];
          correct += sv.trainStats[2 * s + 1];
        }
        return { loss, correct };
      };
      const timer = setInterval(() => {
        const done = Atomics.load(sv.control, CTRL.samplesDone);
        const { loss, correct } = runningLoss();
        const sec = (performance.now() - t0) / 1000;
        hooks.onProgress?.({ epoch: e + 1, samplesDone: done, samples: N, loss: done ? loss / done : NaN, accuracy: done ? correct / done : NaN, samplesPerSec: sec > 0 ? done / sec : 0 });
      }, 100);
      try {
        await send(threads, { type: 'epoch', epoch: e, firstStep: e * stepsPerEpoch, totalSteps, stepsPerEpoch, count: N, stopAt });
      } finally {
        clearInterval(timer);
      }
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      if (stopAt < totalSteps && stopAt <= (e + 1) * stepsPerEpoch) break; // a prefix: it ended in this epoch

      await send(threads, { type: 'evaluate' });
      // each thread's row: summed loss, correct count, confusion counts
      const stride = EVAL_STRIDE(K);
      const total = new Float64Array(stride);
      for (let t = 0; t < config.threads; t++) {
        for (let i = 0; i < stride; i++) total[i] += sv.evalStats[t * stride + i];
      }
      const [testLoss, correct] = total;
      const confusion = confusionRows(total.subarray(2));
      const M = data.test.count;
      const { loss, correct: trainCorrect } = runningLoss();
      const result: EpochResult = {
        epoch: e + 1,
        trainLoss: loss / N,
        trainAccuracy: trainCorrect / N,
        testLoss: testLoss / M,
        testAccuracy: correct / M,
        seconds,
        samplesPerSec: N / seconds,
        learningRate: learningRate(config, (e + 1) * stepsPerEpoch - 1, stepsPerEpoch, totalSteps),
        confusion,
      };
      epochs.push(result);
      if (secondsTo98 === null && result.testAccuracy >= 0.98) secondsTo98 = (performance.now() - started) / 1000;
      hooks.onEpoch?.(result);
      if (!Number.isFinite(result.trainLoss)) throw new Error(`training diverged in epoch ${e + 1} (loss ${result.trainLoss}); lower --lr`);
    }
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }

  const network = createNetwork(sizes, Float32Array.from(sv.params), kinds);
  const samples = N * config.epochs;
  return { network, epochs, secondsTo98, seconds: (performance.now() - started) / 1000, trainSamplesPerSec: samples / trainSeconds, sizes };
}

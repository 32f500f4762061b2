import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/checksum';
import { loadMnist } from '../../scripts/lib/mnist';
import { inputSpecOf, PLAIN_INPUT } from '../../shared/model/input';
import { createNetwork, initHe } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { confusionRows, evaluate, perClassFromConfusion, tallyPredictions } from '../../scripts/lib/evaluate';
import { CLASSIC_CONFIG, DEFAULT_CONFIG, inputSpec, learningRate, runSettings, type TrainConfig } from '../../scripts/train/config';
import { createShardStepper, sampleSeed, scaledAugment } from '../../scripts/train/shard-step';
import { D } from '../../shared/dims';
import { deskew } from '../../shared/image/normalize';
import { createWorkspace, forward } from '../../shared/model/forward';
import { crossEntropyForward } from '../../shared/model/kernels/softmax';
import { createAugmenter } from '../../shared/train/augment';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import { saveModel } from '../../scripts/train/model-files';
import { decodeModel } from '../../shared/model/format';
import { train } from '../../scripts/train/engine';
import { parseCli } from '../../scripts/train/cli';
import { datasetLine } from '../../scripts/train/data';

const data = loadMnist();
const hash = (p: Float32Array) => sha256Hex(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));

describe('training on real MNIST', () => {
  it('learns 5,000 real images well enough to pass 90% on the 10,000 test images in 3 epochs', async () => {
    const r = await train({ ...CLASSIC_CONFIG, epochs: 3, trainLimit: 5000 }, data);
    expect(r.epochs).toHaveLength(3);
    expect(r.epochs[2].testAccuracy).toBeGreaterThan(0.9);
    expect(r.epochs[2].trainLoss).toBeLessThan(r.epochs[0].trainLoss);
    // the engine's per-epoch evaluation and the shared evaluation agree exactly
    expect(evaluate(r.network, data.test, PLAIN_INPUT).accuracy).toBe(r.epochs[2].testAccuracy);
  });

  it('gives the same weights byte for byte with 1 or 2 threads through the whole default pipeline: distortions, degradations, photos, font digits', async () => {
    const config = { ...DEFAULT_CONFIG, epochs: 1, trainLimit: 2000, fontDigits: 1 };
    const one = await train({ ...config, threads: 1 }, data);
    const two = await train({ ...config, threads: 2 }, data);
    const again = await train({ ...config, threads: 2 }, data);
    const other = await train({ ...config, threads: 2, seed: 2 }, data);
    expect(await hash(two.network.params)).toBe(await hash(one.network.params));
    expect(await hash(again.network.params)).toBe(await hash(one.network.params));
    expect(await hash(other.network.params)).not.toBe(await hash(one.network.params));
    // the default deskews: the engine's per-epoch evaluation reads the test set deskewed, as evaluate does with the run's input spec
    expect(config.deskew).toBe(true);
    const scored = evaluate(one.network, data.test, inputSpec(config));
    expect(scored.accuracy).toBe(one.epochs[0].testAccuracy);
    expect(scored.loss).toBeCloseTo(one.epochs[0].testLoss, 9);
    expect(evaluate(one.network, data.test, PLAIN_INPUT).loss).not.toBeCloseTo(one.epochs[0].testLoss, 3);
  });

  it('trains on pieces of numbers (--piece-lines) too: other weights, the same with 1 or 2 threads, and the header says so', async () => {
    const config: TrainConfig = { ...CLASSIC_CONFIG, hidden: [32], epochs: 1, trainLimit: 1000, calibrationHoldout: 0 };
    const without = await train({ ...config, threads: 1 }, data);
    const one = await train({ ...config, pieceLines: 40, threads: 1 }, data);
    const two = await train({ ...config, pieceLines: 40, threads: 2, shards: 2 }, data);
    expect(await hash(one.network.params)).not.toBe(await hash(without.network.params));
    expect(await hash(two.network.params)).toBe(await hash((await train({ ...config, pieceLines: 40, threads: 1, shards: 2 }, data)).network.params));
    expect(runSettings({ ...config, pieceLines: 40 })).toMatchObject({ pieceLines: 40 });
    // a run without pieces records nothing new, so the other models' headers and bytes stay as they were
    expect(runSettings(config)).not.toHaveProperty('pieceLines');
    expect(parseCli(['--piece-lines', '300']).config.pieceLines).toBe(300);
    const training = { ...data, extra: null, extraSummary: null };
    expect(datasetLine({ ...config, pieceLines: 40 }, training, null)).toContain('the pieces of 40 lines of those training images');
    expect(datasetLine(config, training, null)).not.toContain('pieces');
    expect(DEFAULT_CONFIG.pieceLines).toBe(0);
  });

  // 1011 = 20 batches of 50 and one of 11: 4 shards of 13, 13, 13 and 11 samples, then 3, 3, 3 and 2,
  // dealt round-robin to threads that get 4, 2 or 1 shards, or 2, 1 and 1 (thread 0 takes shards 0 and 3)
  const uneven = { ...CLASSIC_CONFIG, epochs: 1, trainLimit: 1011, batch: 50, shards: 4, augment: true };

  it('gives the same weights byte for byte for the same seed over 4 shards, with 1, 3 or 4 threads', async () => {
    const one = await train({ ...uneven, threads: 1 }, data);
    const three = await train({ ...uneven, threads: 3 }, data);
    const four = await train({ ...uneven, threads: 4 }, data);
    const other = await train({ ...uneven, threads: 3, seed: 2 }, data);
    expect(await hash(three.network.params)).toBe(await hash(one.network.params));
    expect(await hash(four.network.params)).toBe(await hash(one.network.params));
    expect(await hash(other.network.params)).not.toBe(await hash(one.network.params));
  });

  it('sums the 4 uneven shards of each batch to the gradient of the whole batch', async () => {
    // one shard sees each batch whole; 4 shards add their parts in another order, so only float rounding differs
    const sharded = await train({ ...uneven, threads: 3 }, data);
    const whole = await train({ ...uneven, shards: 1, threads: 1 }, data);
    let worst = { i: -1, diff: 0 };
    sharded.network.params.forEach((w, i) => {
      const diff = Math.abs(w - whole.network.params[i]);
      if (diff > worst.diff) worst = { i, diff };
    });
    // measured: 6e-8 after these 21 steps; a shard left out or counted twice moves weights by ~1e-3
    expect(worst.diff, `parameter ${worst.i}`).toBeLessThan(1e-5);
    expect(sharded.epochs[0].testAccuracy).toBeGreaterThan(0.6);
  });

  it('runs the seed article setting: full-batch gradient descent on raw pixels with uniform init', async () => {
    const { config } = parseCli(['--preset', 'article', '--epochs', '2', '--train-limit', '3000']);
    expect(config).toMatchObject({ optimizer: 'gd', scale: 'raw', init: 'uniform', lr: 0.001 });
    const r = await train(config, data);
    expect(r.epochs).toHaveLength(2);
    // one step per epoch: the second epoch's loss is measured after the first step, and must have dropped
    expect(r.epochs[1].trainLoss).toBeLessThan(r.epochs[0].trainLoss);
    // measured 24.8% for seed 1 (seeds 2 and 3: 26.1%, 28.8%): one step of the article's slow descent, but
    // well above the 10% of guessing, and up from the untrained 20.8%
    expect(r.epochs[1].testAccuracy).toBeGreaterThan(0.2);
    expect(r.epochs[1].testAccuracy).toBeGreaterThan(r.epochs[0].testAccuracy);
  });

  it('trains a deeper network from a flag', async () => {
    const { config } = parseCli(['--preset', 'classic', '--hidden', '64,32', '--epochs', '2', '--train-limit', '5000']);
    const r = await train(config, data);
    expect(r.sizes).toEqual([784, 64, 32, 10]);
    expect(r.epochs[1].testAccuracy).toBeGreaterThan(0.88);
  });
});

describe('evaluation', () => {
  const net = createNetwork([784, 32, 10]);
  initHe(net, createRng(5));

  it('tallies parts of the test set that add up to the evaluation of the whole, as the trainer threads do', () => {
    const whole = evaluate(net, data.test, PLAIN_INPUT);
    const seen: number[] = [];
    const parts = [[0, 4321], [4321, 10000]].map(([from, to]) =>
      tallyPredictions(net, data.test.images, data.test.labels, PLAIN_INPUT, from, to, (i, digit) => {
        expect(digit, `image ${i}`).toBe(whole.predicted[i]);
        seen.push(i);
      }),
    );
    expect(seen).toEqual(Array.from({ length: 10000 }, (_, i) => i));
    expect(parts[0].correct + parts[1].correct).toBe(Math.round(whole.accuracy * 10000));
    expect((parts[0].loss + parts[1].loss) / 10000).toBeCloseTo(whole.loss, 9);
    expect(confusionRows(parts[0].confusion.map((n, i) => n + parts[1].confusion[i]))).toEqual(whole.confusion);
    expect(whole.confusion.flat().reduce((a, b) => a + b)).toBe(10000);
  });

  it('gives precision and recall 0, not NaN, to a digit never predicted or never shown', () => {
    const confusion = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p && t < 9 ? 5 : 0)));
    confusion[3][8] = 5; // half the 3s read as 8: recall of 3 and precision of 8 halve
    const pc = perClassFromConfusion(confusion);
    expect(pc[3]).toEqual({ digit: 3, precision: 1, recall: 0.5 });
    expect(pc[8]).toEqual({ digit: 8, precision: 0.5, recall: 1 });
    expect(pc[9]).toEqual({ digit: 9, precision: 0, recall: 0 });
  });
});

describe('a shard step', () => {
  const B = 8;
  const sizes = [784, 16, 10];
  const net = createNetwork(sizes);
  initHe(net, createRng(4));
  const images = data.train.images.subarray(0, B * D), labels = data.train.labels.subarray(0, B);
  const order = Uint32Array.from({ length: B }, (_, i) => i);

  /** the summed loss of the network on these inputs (B, D) */
  function lossOn(x: Float32Array): number {
    const probs = forward(net, x, B, createWorkspace(sizes, B));
    return crossEntropyForward(probs, labels, B, 10);
  }

  /** the shard's inputs rebuilt by hand: pixels / 255, distorted and degraded with each sample's seed, then deskewed or not */
  function inputsByHand(config: TrainConfig, straighten: boolean): Float32Array {
    const x = new Float32Array(B * D);
    const augment = config.augment ? createAugmenter(scaledAugment(config.augmentStrength)) : null;
    const degrade = config.degrade ? createDegrader(DEFAULT_DEGRADE) : null;
    const raw = new Float32Array(D), image = new Float32Array(D);
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) raw[d] = images[b * D + d] / 255;
      const rng = createRng(sampleSeed(config.seed, 0, b));
      if (augment) augment(image, raw, rng);
      else image.set(raw);
      degrade?.(image, rng);
      if (straighten) deskew(x.subarray(b * D, (b + 1) * D), image, 28);
      else x.set(image, b * D);
    }
    return x;
  }

  for (const [name, base] of [['the default pipeline (distorted, degraded)', DEFAULT_CONFIG], ['MNIST as it is', { ...CLASSIC_CONFIG, deskew: true }]] as const) {
    it(`trains a deskew run on the deskewed inputs: ${name}`, () => {
      const config: TrainConfig = { ...base, labelSmoothing: 0 };
      expect(config.deskew).toBe(true);
      const step = createShardStepper(config, sizes, B, inputSpec(config));
      const { loss } = step(net, createNetwork(sizes), images, labels, order, 0, B, 0, 1 / B);
      expect(loss).toBe(lossOn(inputsByHand(config, true)));
      expect(loss).not.toBeCloseTo(lossOn(inputsByHand(config, false)), 2);
    });
  }
});

describe('training flags', () => {
  it('has defaults and rejects bad values with the flag named', () => {
    expect(parseCli([]).config).toEqual(DEFAULT_CONFIG);
    expect(parseCli(['--preset', 'classic']).config).toEqual(CLASSIC_CONFIG);
    expect(parseCli(['--no-augment', '--no-degrade']).config).toMatchObject({ augment: false, degrade: false });
    expect(parseCli(['--no-report']).report).toBe(false);
    expect(DEFAULT_CONFIG.deskew).toBe(true);
    expect(parseCli(['--no-deskew']).config.deskew).toBe(false);
    for (const preset of ['classic', 'augmented', 'article']) expect(parseCli(['--preset', preset]).config.deskew, preset).toBe(false);
    expect(parseCli(['--preset', 'classic', '--deskew']).config.deskew).toBe(true);
    expect(() => parseCli(['--epochs', '0'])).toThrow(/--epochs must be an integer ≥ 1/);
    expect(() => parseCli(['--optimizer', 'rmsprop'])).toThrow(/--optimizer must be one of adam, sgd, gd/);
    expect(() => parseCli(['--hidden', '128,x'])).toThrow(/--hidden/);
    expect(() => parseCli(['--threads', '3'])).toThrow(/--threads must be an integer in 1..2/);
    expect(() => parseCli(['--bogus'])).toThrow(/bogus/);
  });

  it('writes --deskew into the model file, where every reader of the model finds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskew-flag-'));
    try {
      const net = createNetwork([784, 8, 10]);
      const metadata = { createdAt: '2026-11-30T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: {} };
      for (const [flags, deskew] of [[['--deskew'], true], [['--no-deskew'], false], [[], true], [['--preset', 'classic'], false]] as const) {
        const { config } = parseCli([...flags]);
        const saved = await saveModel(join(dir, 'model.bin'), net, metadata, inputSpec(config));
        const { header } = await decodeModel(saved.file);
        expect(header.architecture.deskew ?? false, flags.join(' ')).toBe(deskew);
        expect(inputSpecOf(header)).toEqual({ scale: 1 / 255, deskew });
        expect(runSettings(config).deskew).toBe(deskew); // and among the run's settings in the header's metadata
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decays the learning rate along a cosine from lr to lr · minLrFactor', () => {
    const c = { ...DEFAULT_CONFIG, lr: 1, minLrFactor: 0.1 };
    expect(learningRate(c, 0, 10, 100)).toBeCloseTo(1, 6);
    expect(learningRate(c, 50, 10, 100)).toBeCloseTo(0.55, 6);
    expect(learningRate(c, 100, 10, 100)).toBeCloseTo(0.1, 6);
    expect(learningRate({ ...c, warmupEpochs: 1 }, 4, 10, 100)).toBeCloseTo(0.5, 6);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/checksum';
import { loadMnist } from '../../scripts/lib/mnist';
import { evaluate } from '../../scripts/lib/evaluate';
import { DEFAULT_CONFIG, inputSpec, runSettings } from '../../scripts/train/config';
import { parseCli } from '../../scripts/train/cli';
import { train } from '../../scripts/train/engine';
import { saveModel } from '../../scripts/train/model-files';
import { activationBounds } from '../../shared/model/bound';
import { forwardMultiplyAdds } from '../../shared/model/budget';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { convSizes, createNetwork, initHe, type ConvSpec, type LayerKind } from '../../shared/model/network';
import { decodeServable, UnservableModelError } from '../../shared/model/servable';
import { createRng } from '../../shared/rng';
import { createPredictor } from '../../shared/model/predict';
import { quantizeNetwork } from '../../shared/model/quantize';

// a network with convolutions, from the --arch flag through the trainer's threads to a model file
// every reader loads: the same seed gives the same bytes on any thread count, as for an MLP.

const mnist = loadMnist();
// the first 1,000 test images: each run evaluates them, and a conv forward pass over all 10,000 takes seconds here
const data = { ...mnist, test: { ...mnist.test, images: mnist.test.images.subarray(0, 1000 * 784), labels: mnist.test.labels.subarray(0, 1000), count: 1000 } };
const hash = (p: Float32Array) => sha256Hex(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
const ARCH = ['--arch', 'conv16s2,conv32s2,64'];

describe('convolutions in training', () => {
  it('reads --arch: 3×3 stride-2 convolutions of 16 and 32 channels then 64 units, the issue\'s equal-cost CNN', () => {
    const { config } = parseCli(ARCH);
    expect(config.conv).toEqual([
      { kind: 'conv', channels: 16, kernel: 3, stride: 2, pad: 0 },
      { kind: 'conv', channels: 32, kernel: 3, stride: 2, pad: 0 },
    ]);
    expect(config.hidden).toEqual([64]);
    expect(parseCli(['--arch', 'conv8k5s1p2,10']).config.conv).toEqual([{ kind: 'conv', channels: 8, kernel: 5, stride: 1, pad: 2 }]);
    expect(() => parseCli(['--arch', '64,conv16s2'])).toThrow(/convolution after a dense layer/);
    expect(() => parseCli(['--arch', 'conv16s2', '--hidden', '64'])).toThrow(/--arch and --hidden/);
    expect(() => parseCli(['--arch', 'conv16k7s4,conv16k7s4,conv16k7s4'])).toThrow(/does not fit/);
    // an MLP's recorded settings do not mention convolutions, so its model file's bytes stay as they were
    expect(runSettings(DEFAULT_CONFIG)).not.toHaveProperty('conv');
    expect(runSettings(parseCli(ARCH).config).conv).toBe('conv16k3s2,conv32k3s2');
  });

  it('gives the same weights byte for byte with 1 or 2 threads through the default pipeline, and another seed others', async () => {
    const config = { ...parseCli(ARCH).config, epochs: 1, trainLimit: 600, fontDigits: 1 };
    const one = await train({ ...config, threads: 1 }, data);
    const two = await train({ ...config, threads: 2 }, data);
    const other = await train({ ...config, threads: 2, seed: 2 }, data);
    expect(await hash(two.network.params)).toBe(await hash(one.network.params));
    expect(await hash(other.network.params)).not.toBe(await hash(one.network.params));
    expect(one.network.kinds.slice(0, 2)).toEqual(config.conv);
    // the engine's own evaluation and the shared one agree exactly, so the conv forward pass is the same in both
    expect(evaluate(one.network, data.test, inputSpec(config)).accuracy).toBe(one.epochs[0].testAccuracy);
  }, 120_000);

  it('writes a model file that loads back with its layers, answers as the trained network does, and quantizes per kernel tap', async () => {
    const config = { ...parseCli(ARCH).config, epochs: 1, trainLimit: 300, fontDigits: 0, threads: 1 };
    const { network } = await train(config, data);
    const dir = mkdtempSync(join(tmpdir(), 'conv-model-'));
    try {
      const metadata = { createdAt: '2026-12-06T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: runSettings(config) };
      const saved = await saveModel(join(dir, 'model.bin'), network, metadata, inputSpec(config));
      const decoded = await decodeModel(new Uint8Array(readFileSync(saved.path)));
      expect(decoded.header.architecture.layers).toEqual([...config.conv, 'dense', 'dense']);
      expect(decoded.network.params).toEqual(network.params);
      const images = Array.from({ length: 4 }, (_, b) => data.test.images.subarray(b * 784, (b + 1) * 784));
      const a = createPredictor(network, inputSpec(config)).predict(images);
      const b = createPredictor(decoded.network, inputSpec(config)).predict(images);
      expect(b.map((p) => p.probabilities)).toEqual(a.map((p) => p.probabilities));
      // int8: one scale per row of the (KH·KW·IC, OC) matrix
      const q = quantizeNetwork(network);
      expect(q[0].scales.length).toBe(9);
      expect(q[1].scales.length).toBe(9 * 16);
      const int8 = await decodeModel(await encodeModel(network, metadata, 'int8', inputSpec(config)));
      const c = createPredictor(int8.network, inputSpec(config)).predict(images);
      expect(c.map((p) => p.digit)).toEqual(a.map((p) => p.digit));
      // the equal-cost CNN: 24,336 + 165,888 + 73,728 + 640 multiply-adds an image
      expect(forwardMultiplyAdds(network.sizes, network.kinds)).toBe(264_592);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('bounds every conv channel by its kernel\'s absolute weights times the input bound plus its bias', async () => {
    const config = { ...parseCli(['--arch', 'conv4s2,10']).config, epochs: 1, trainLimit: 200, fontDigits: 0, threads: 1 };
    const { network } = await train(config, data);
    const [first] = activationBounds(network, 1);
    const { weight, bias } = network.layers[0];
    const perChannel = Array.from({ length: 4 }, (_, c) => {
      let s = Math.abs(bias[c]);
      for (let t = 0; t < 9; t++) s += Math.abs(weight[t * 4 + c]);
      return s;
    });
    expect(first.bound).toBeCloseTo(Math.max(...perChannel), 6);
    expect(first.unit).toBe(perChannel.indexOf(Math.max(...perChannel)));
    // an all-ink image reaches at most the bound in every conv output
    const predictor = createPredictor(network, { scale: 1 / 255, deskew: false });
    expect(predictor.predict([new Uint8Array(784).fill(255)])[0].probabilities.every(Number.isFinite)).toBe(true);
  }, 60_000);

  it('serves a conv model within the Worker budget, and refuses the one with a 64-unit layer for its multiply-adds', async () => {
    const convs: ConvSpec[] = [{ kind: 'conv', channels: 16, kernel: 3, stride: 2, pad: 0 }, { kind: 'conv', channels: 32, kernel: 3, stride: 2, pad: 0 }];
    const metadata = { createdAt: '2026-12-06T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: {} };
    const fileOf = async (hidden: number[]) => {
      const kinds: LayerKind[] = [...convs, ...hidden.map((): LayerKind => 'dense'), 'dense'];
      const net = createNetwork([...convSizes(28, convs), ...hidden, 10], undefined, kinds);
      initHe(net, createRng(3));
      return encodeModel(net, metadata);
    };
    const { model, predictor } = await decodeServable(await fileOf([]));
    expect(model.header.architecture.layers).toEqual([...convs, 'dense']);
    expect(predictor.predict([new Uint8Array(784).fill(255)])[0].probabilities.every(Number.isFinite)).toBe(true);
    await expect(decodeServable(await fileOf([64]))).rejects.toThrow(UnservableModelError);
    await expect(decodeServable(await fileOf([64]))).rejects.toThrow(/264,592 multiply-adds per image \(limit 262,144\)/);
  });
});

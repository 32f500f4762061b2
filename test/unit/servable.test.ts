import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE, PIXEL_MAX } from '../../shared/dims';
import { activationBounds, ACTIVATION_LIMIT, overflowProblem } from '../../shared/model/bound';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import { createPredictor, NonFiniteAnswerError, predictorFor } from '../../shared/model/predict';
import { deskew } from '../../shared/image/normalize';
import { decodeServable, probeProblem, UnservableModelError } from '../../shared/model/servable';
import { createNetwork } from '../../shared/model/network';
import { dotImage, handNetwork } from '../worker/helpers/models';
import { ATTACK_PIXEL, overflowingModel, overflowingUnitModel, overflowingUnitNetwork } from '../worker/helpers/unfit-models';

// the load-time gate against answers that overflow float32: a bound on every activation for any
// pixels in range (shared/model/bound.ts), and the answer-time guard behind it (predict.ts).

const committed = ['models/default.bin', 'test/fixtures/model-v1-uncalibrated.bin'];

describe('the activation bound', () => {
  for (const path of committed) {
    it(`leaves ${path} a margin of more than 1e30 below the limit`, async () => {
      const model = await decodeModel(new Uint8Array(readFileSync(path)));
      const bounds = activationBounds(model.network, PIXEL_MAX * model.header.architecture.inputScale);
      expect(bounds).toHaveLength(model.network.layers.length);
      const largest = Math.max(...bounds.map((b) => b.bound));
      expect(largest).toBeGreaterThan(1); // a real bound, not zero
      expect(ACTIVATION_LIMIT / largest).toBeGreaterThan(1e30);
      expect(overflowProblem(model.network, PIXEL_MAX * model.header.architecture.inputScale)).toBeNull();
    });
  }

  it('is reached exactly by the hand-set net: pixel p lit copies 1 to unit p, which gives its digit 10', () => {
    const bounds = activationBounds(handNetwork(), 1);
    expect(bounds.map((b) => b.bound)).toEqual([1, 10]);
  });

  it('bounds every unit by the inputs that can reach it: a unit fed only by ReLU units that are always 0 adds nothing', () => {
    const net = createNetwork([D, 2, 1]);
    net.layers[0].weight.fill(-1); // unit 0 and 1 are never positive
    net.layers[1].weight.fill(3e38);
    expect(activationBounds(net, 1).map((b) => b.bound)).toEqual([D, 0]);
  });

  it('holds on random images for a random net: no forward pass exceeds it', () => {
    const net = createNetwork([D, 32, 10]);
    let seed = 7;
    const random = () => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < net.params.length; i++) net.params[i] = (random() - 0.5) * 4;
    const [hidden, logits] = activationBounds(net, 1);
    const predictor = createPredictor(net);
    for (let n = 0; n < 50; n++) {
      const image = Uint8Array.from({ length: D }, () => (random() < 0.3 ? 255 : Math.floor(random() * 256)));
      const [p] = predictor.predict([image]);
      expect(p.probabilities.every(Number.isFinite)).toBe(true);
    }
    expect(hidden.bound).toBeGreaterThan(0);
    expect(logits.bound).toBeGreaterThan(hidden.bound); // 32 units of weights up to 2
  });
});

describe('a model with one hidden unit at ±3e38 (the attack)', () => {
  it('passes the four probe images that were the only check before', () => {
    expect(probeProblem(createPredictor(overflowingUnitNetwork()))).toBeNull();
  });

  it('answers NaN for one lit pixel at the top left, so the predictor refuses to answer it', () => {
    const predictor = createPredictor(overflowingUnitNetwork());
    expect(() => predictor.predict([dotImage(ATTACK_PIXEL)])).toThrow(NonFiniteAnswerError);
    expect(() => predictor.predict([dotImage(5), dotImage(ATTACK_PIXEL)])).toThrow(/image 1 got probability NaN for digit 0/);
    expect(predictor.predict([dotImage(5)])[0].digit).toBe(5); // the other images are still answered
  });

  it('is refused by decodeServable with the unit, its bound and what to do', async () => {
    const { bytes } = await overflowingUnitModel();
    const refusal = decodeServable(bytes);
    await expect(refusal).rejects.toThrow(UnservableModelError);
    await expect(refusal).rejects.toThrow(/cannot be served: for some pixels in 0\.\.255, hidden unit 0 of layer 1 can reach 6\.00e\+38 \(its largest \|weight\| is 3\.00e\+38\), beyond the 1\.33e\+36 that float32 holds.*; retrain it/);
  });

  it('built from models/default.bin as the review did (unit 5 fed +3e38 by pixels 0 and 1, -3e38 by 2 and 3): the probes pass, the bound refuses it', async () => {
    const honest = await decodeModel(new Uint8Array(readFileSync('models/default.bin')));
    const { weight, outSize } = honest.network.layers[0];
    [3e38, 3e38, -3e38, -3e38].forEach((w, pixel) => (weight[pixel * outSize + 5] = w));
    const { metadata, calibration, uncertainty } = honest.header;
    const bytes = await encodeModel(honest.network, metadata, 'float32', inputSpecOf(honest.header), { calibration, uncertainty });
    const attack = await decodeModel(bytes);
    expect(probeProblem(predictorFor(attack))).toBeNull();
    const twoDots = dotImage(0);
    twoDots[1] = 255; // the top-left two pixels: 6e38 on unit 5, beyond float32
    expect(() => predictorFor(attack).predict([twoDots])).toThrow(NonFiniteAnswerError);
    await expect(decodeServable(bytes)).rejects.toThrow(/cannot be served: for some pixels in 0\.\.255, hidden unit 5 of layer 1 can reach 1\.20e\+39/);
  });

  it('is refused in the first layer when every weight is 3e38', async () => {
    await expect(decodeServable((await overflowingModel()).bytes)).rejects.toThrow(/hidden unit 0 of layer 1 can reach 2\.35e\+41 \(its largest \|weight\| is 3\.00e\+38\)/);
  });
});

describe('the committed model still loads and answers', () => {
  it('models/default.bin passes decodeServable and answers finite probabilities', async () => {
    const { predictor } = await decodeServable(new Uint8Array(readFileSync('models/default.bin')));
    const [p] = predictor.predict([dotImage(400)]);
    expect(p.probabilities.every(Number.isFinite)).toBe(true);
  });
});

describe('deskew, which a model file may ask for before its first layer', () => {
  it('never leaves the range of its input, so the bound needs no term for it', () => {
    let seed = 3;
    const random = () => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const out = new Float32Array(D);
    for (let n = 0; n < 200; n++) {
      const img = Float32Array.from({ length: D }, () => (random() < 0.5 ? 0 : random() < 0.5 ? 1 : random()));
      deskew(out, img, IMAGE_SIDE);
      expect(Math.max(...out)).toBeLessThanOrEqual(Math.max(...img));
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    }
  });
});

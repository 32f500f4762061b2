import { describe, expect, it } from 'vitest';
import { evaluate } from '../../scripts/lib/evaluate';
import type { Split } from '../../scripts/lib/mnist';
import { probeFeatures } from '../../scripts/lib/uncertainty';
import { D, IMAGE_SIDE, PIXEL_MAX } from '../../shared/dims';
import { deskew } from '../../shared/image/normalize';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createInputScratch, PLAIN_INPUT, writeInput, type InputSpec } from '../../shared/model/input';
import { createNetwork, initHe } from '../../shared/model/network';
import { createPredictor, predictorFor } from '../../shared/model/predict';
import { createRng } from '../../shared/rng';

const DESKEW: InputSpec = { scale: 1 / PIXEL_MAX, deskew: true };

/** a 3 px stroke from (x0, 4) down to (x1, 23), ink 255: an italic 1 when x0 > x1 */
function stroke(x0: number, x1: number): number[] {
  const img = new Array<number>(D).fill(0);
  for (let y = 4; y <= 23; y++) {
    const cx = x0 + ((x1 - x0) * (y - 4)) / 19;
    for (let x = 0; x < IMAGE_SIDE; x++) if (Math.abs(x - cx) <= 1) img[y * IMAGE_SIDE + x] = PIXEL_MAX;
  }
  return img;
}

const SLANTED = stroke(19, 9);
const UPRIGHT = stroke(14, 14);

/** pixels × 1/255, deskewed by hand: what a deskew model must read */
function deskewedByHand(pixels: number[]): Float32Array {
  const scaled = Float32Array.from(pixels, (v) => v / PIXEL_MAX);
  const out = new Float32Array(D);
  deskew(out, scaled, IMAGE_SIDE);
  return out;
}

/** the network's probabilities on inputs given directly (no conversion) */
function forwardOn(net: ReturnType<typeof createNetwork>, x: Float32Array): number[] {
  return Array.from(forward(net, x, 1, createWorkspace(net.sizes, 1)));
}

function network() {
  const net = createNetwork([D, 32, 10]);
  initHe(net, createRng(3));
  return net;
}

describe('writeInput', () => {
  it('scales pixels and nothing more for a model without deskew', () => {
    const x = new Float32Array(2 * D);
    writeInput(x, D, SLANTED, 0, PLAIN_INPUT, createInputScratch());
    expect(Array.from(x.subarray(D))).toEqual(SLANTED.map((v) => Math.fround(v / PIXEL_MAX)));
    expect(x.subarray(0, D).every((v) => v === 0)).toBe(true);
  });

  it('straightens a slanted image for a deskew model, and leaves an upright one as the plain input', () => {
    const x = new Float32Array(D);
    const scratch = createInputScratch();
    writeInput(x, 0, SLANTED, 0, DESKEW, scratch);
    expect(Array.from(x)).toEqual(Array.from(deskewedByHand(SLANTED)));
    expect(Array.from(x)).not.toEqual(SLANTED.map((v) => Math.fround(v / PIXEL_MAX)));
    writeInput(x, 0, UPRIGHT, 0, DESKEW, scratch);
    expect(Array.from(x)).toEqual(UPRIGHT.map((v) => Math.fround(v / PIXEL_MAX)));
  });
});

describe('a predictor', () => {
  const net = network();
  const deskewed = forwardOn(net, deskewedByHand(SLANTED));
  const plain = forwardOn(net, Float32Array.from(SLANTED, (v) => v / PIXEL_MAX));

  it('answers a deskew model on the deskewed input, in both of its paths', () => {
    expect(deskewed).not.toEqual(plain); // else this test could not tell them apart
    const predictor = createPredictor(net, DESKEW);
    expect(predictor.predict([SLANTED])[0].probabilities).toEqual(deskewed);
    const packed = Float32Array.from([...UPRIGHT, ...SLANTED]);
    expect(predictor.predictPacked(packed, 2)[1].probabilities).toEqual(deskewed);
  });

  it('leaves the input alone for a model without deskew', () => {
    expect(createPredictor(net, PLAIN_INPUT).predict([SLANTED])[0].probabilities).toEqual(plain);
    expect(createPredictor(net).predict([SLANTED])[0].probabilities).toEqual(plain);
  });

  it('deskews when the model file says so (predictorFor), and not for a file without the field', async () => {
    const meta = { createdAt: '2026-11-30T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: {} };
    const withDeskew = await decodeModel(await encodeModel(net, meta, 'float32', DESKEW));
    const without = await decodeModel(await encodeModel(net, meta));
    expect(predictorFor(withDeskew).predict([SLANTED])[0].probabilities).toEqual(deskewed);
    expect(predictorFor(without).predict([SLANTED])[0].probabilities).toEqual(plain);
  });
});

describe('the scripts that score and fit a model', () => {
  const net = network();
  const images = [SLANTED, stroke(8, 18), UPRIGHT, stroke(20, 6)];
  const split: Split = { count: images.length, images: Uint8Array.from(images.flat()), labels: Uint8Array.of(1, 1, 1, 1) };
  // one image per call: the predictor then runs linearForward, the kernel the scripts score and fit with, so
  // the comparisons below are bit for bit (a batch's 4-image blocks agree within float32 rounding: kernels.test.ts)
  const predictor = createPredictor(net, DESKEW);
  const served = images.map((img) => predictor.predict([img])[0]);

  it('answers a batch as it answers each image alone, within float32 rounding', () => {
    const batch = predictor.predict(images);
    batch.forEach((p, i) => {
      expect(p.digit).toBe(served[i].digit);
      p.probabilities.forEach((v, k) => expect(v).toBeCloseTo(served[i].probabilities[k], 6));
    });
  });

  it('evaluate sees what the predictor sees', () => {
    const e = evaluate(net, split, DESKEW);
    expect(Array.from(e.predicted)).toEqual(served.map((p) => p.digit));
    expect(Array.from(e.confidence)).toEqual(served.map((p) => Math.fround(p.confidence)));
    // and differs from the plain reading somewhere, so the comparison means something
    const plain = createPredictor(net).predict(images);
    expect(plain.map((p) => p.confidence)).not.toEqual(served.map((p) => p.confidence));
  });

  it('the uncertainty probe is fitted on what the predictor sees', () => {
    const { probs } = probeFeatures(net, DESKEW, 1, images);
    expect(Array.from(probs)).toEqual(served.flatMap((p) => p.probabilities));
  });
});

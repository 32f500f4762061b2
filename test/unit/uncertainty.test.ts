import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../../scripts/lib/uncertainty';
import { loadMnist } from '../../scripts/lib/mnist';
import { D } from '../../shared/dims';
import { inkShape, judge, MIN_CONFIDENCE, probeScore, topTwo, type UncertaintyProbe } from '../../shared/model/uncertainty';
import { createRng } from '../../shared/rng';

const test = loadMnist().test;
const digit = (i: number) => test.images.subarray(i * D, (i + 1) * D);
const sure = [0.02, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]; // answers 1 at 0.9

/** a 28×28 image with the given rectangles of full ink: [left, top, width, height] */
function boxes(...rects: [number, number, number, number][]): Uint8Array {
  const img = new Uint8Array(D);
  for (const [l, t, w, h] of rects) for (let y = t; y < t + h; y++) for (let x = l; x < l + w; x++) img[y * 28 + x] = 255;
  return img;
}

/** two mnist test digits squeezed side by side into 28×28, each half width, as preprocessing fits a wide number into 20×20 */
function sideBySide(a: number, b: number): Uint8Array {
  const img = new Uint8Array(D);
  for (const [i, x0] of [[a, 1], [b, 14]] as const) {
    for (let y = 0; y < 28; y++) for (let x = 0; x < 13; x++) img[(y * 28 + x0 + x)] = digit(i)[y * 28 + Math.min(27, Math.floor(x * 28 / 13))];
  }
  return img;
}

describe('the shape rules of the uncertain flag', () => {
  it('see two digits side by side as several parts, and no single MNIST test digit among the first 2000', () => {
    expect(inkShape(sideBySide(0, 1)).severalParts).toBe(true);
    expect(inkShape(sideBySide(3, 4)).severalParts).toBe(true);
    let several = 0;
    for (let i = 0; i < 2000; i++) if (inkShape(digit(i)).severalParts) several++;
    expect(several).toBe(0);
  });

  it('do not count a speck or a mark far shorter than the rest as a part', () => {
    expect(inkShape(boxes([4, 4, 3, 20], [20, 4, 3, 20])).severalParts).toBe(true);
    expect(inkShape(boxes([4, 4, 3, 20], [20, 20, 1, 1])).severalParts).toBe(false); // a speck
    expect(inkShape(boxes([4, 4, 3, 20], [20, 4, 3, 5])).severalParts).toBe(false); // a quarter as tall: an accent, not a digit
    expect(inkShape(boxes([4, 4, 10, 3], [4, 14, 10, 3])).severalParts).toBe(false); // one above the other, like a broken 5
  });

  it('see two marks at the left and right edges as two parts: a row\'s last pixel does not touch the next row\'s first', () => {
    // a stroke down column 27 and one down column 0 one row lower: neighbours only if rows wrapped around
    expect(inkShape(boxes([0, 5, 2, 20], [26, 4, 2, 20])).severalParts).toBe(true);
  });

  it('call an all-ink image or a filled block solid, but not a straight 1', () => {
    expect(inkShape(new Uint8Array(D).fill(255)).solid).toBe(true);
    expect(inkShape(boxes([6, 4, 16, 20])).solid).toBe(true);
    expect(inkShape(boxes([12, 4, 3, 20])).solid).toBe(false); // a 1 is narrower than 6 pixels
    for (let i = 0; i < 500; i++) expect(inkShape(digit(i)).solid, `test digit ${i}`).toBe(false);
  });

  it('see nothing in a blank image', () => {
    expect(inkShape(new Uint8Array(D))).toEqual({ severalParts: false, solid: false });
  });
});

describe('the uncertain decision', () => {
  const probe = (threshold: number): UncertaintyProbe => ({ version: 1, weights: [1, -1, 0, 0], bias: 0, threshold, fittedOn: 'test', heldOutFlagged: 0.02 });

  it('trusts a sure answer on one clean digit', () => {
    expect(judge(digit(2), sure, null, null)).toEqual({ uncertain: false, reason: null });
  });

  it('flags an answer below the confidence floor as low confidence', () => {
    const unsure = [0.45, 0.4, 0.15, 0, 0, 0, 0, 0, 0, 0];
    expect(MIN_CONFIDENCE).toBe(0.5);
    expect(judge(digit(2), unsure, null, null)).toEqual({ uncertain: true, reason: 'low_confidence' });
  });

  it('gives the most specific reason first: several parts, then not digit-like, then low confidence', () => {
    const unsure = [0.3, 0.3, 0.4, 0, 0, 0, 0, 0, 0, 0];
    expect(judge(sideBySide(0, 1), unsure, null, null).reason).toBe('several_parts');
    expect(judge(new Uint8Array(D).fill(255), unsure, null, null).reason).toBe('not_digit_like');
  });

  it('flags what the probe scores above its threshold, and only then', () => {
    // score = hidden[0] - hidden[1]
    expect(probeScore(probe(0), [3, 1], 0.9, 0.05)).toBeCloseTo(2, 12);
    expect(judge(digit(2), sure, [3, 1], probe(1.5)).reason).toBe('not_digit_like');
    expect(judge(digit(2), sure, [3, 1], probe(2.5)).reason).toBe(null);
  });

  it('reads ln p1 and ln p2 as the probe\'s last two features', () => {
    const p: UncertaintyProbe = { ...probe(0), weights: [0, 0, 1, 2] };
    expect(probeScore(p, [5, 5], 0.5, 0.25)).toBeCloseTo(Math.log(0.5) + 2 * Math.log(0.25), 9);
    expect(topTwo([0.1, 0.5, 0.05, 0.25, 0.1])).toEqual([0.5, 0.25]);
  });
});

describe('fitting the probe', () => {
  it('separates two clouds with a logistic regression whose weights read the raw features', () => {
    const rng = createRng(3);
    const N = 2000, F = 3;
    const features = new Float32Array(N * F), y = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      y[i] = i % 2;
      // feature 0 carries the class (at a large offset and scale, which the fit must undo), the others are noise
      features[i * F] = 100 + 20 * (y[i] ? 1 : -1) + 5 * rng.normal();
      features[i * F + 1] = rng.normal();
      features[i * F + 2] = 1000 * rng.normal();
    }
    const { weights, bias } = fitLogistic(features, y, F, 1);
    let right = 0;
    for (let i = 0; i < N; i++) {
      const s = bias + weights[0] * features[i * F] + weights[1] * features[i * F + 1] + weights[2] * features[i * F + 2];
      if ((s > 0 ? 1 : 0) === y[i]) right++;
    }
    expect(right / N).toBeGreaterThan(0.99);
    expect(weights[0]).toBeGreaterThan(0);
    expect(Math.abs(weights[2] * 1000)).toBeLessThan(Math.abs(weights[0] * 20)); // the noise feature counts for little
  });
});

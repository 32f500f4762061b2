import { describe, expect, it } from 'vitest';
import { eceAt, heldOutSplit, topAnswers, trainableCount } from '../../scripts/lib/calibration';
import { topAtTemperatureOne } from '../../scripts/eval/score';
import { ECE_BINS, expectedCalibrationError, fitTemperature, reliabilityBins, temperatureNll } from '../../shared/model/calibration';
import { softmaxForward } from '../../shared/model/kernels/softmax';
import { createRng } from '../../shared/rng';

const K = 10;

/**
 * B answers from a model whose true temperature is `trueT`: logits z, labels drawn from
 * softmax(z / trueT). a model that reports softmax(z) is over-confident when trueT > 1.
 */
function synthetic(B: number, trueT: number, seed = 1) {
  const rng = createRng(seed);
  const logits = new Float32Array(B * K);
  const labels = new Uint8Array(B);
  const p = new Float32Array(K);
  for (let b = 0; b < B; b++) {
    const row = logits.subarray(b * K, (b + 1) * K);
    const favourite = rng.int(K);
    for (let k = 0; k < K; k++) row[k] = rng.normal() * 2 + (k === favourite ? 6 : 0);
    softmaxForward(p, row, 1, K, trueT);
    let u = rng.uniform();
    let k = 0;
    while (k < K - 1 && (u -= p[k]) > 0) k++;
    labels[b] = k;
  }
  return { logits, labels };
}

describe('expected calibration error', () => {
  it('is the answer-weighted gap between confidence and accuracy over 15 equal-width bins', () => {
    // two bins used: 0.95 (4 answers, 2 right) and 0.55 (4 answers, all right)
    const confidence = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55, 0.55, 0.55];
    const correct = [true, true, false, false, true, true, true, true];
    expect(expectedCalibrationError(confidence, correct)).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.45, 12);
    expect(ECE_BINS).toBe(15);
  });

  it('is zero when every bin is right as often as it is confident, and for no answers', () => {
    expect(expectedCalibrationError([0.5, 0.5, 1, 1], [true, false, true, true])).toBe(0);
    expect(expectedCalibrationError([], [])).toBe(0);
  });

  it('puts each answer in the bin its confidence falls in, and a confidence of 1 in the last bin', () => {
    const bins = reliabilityBins([0.1, 0.12, 0.5, 1, 0.9999], [true, false, true, true, false]);
    expect(bins).toHaveLength(15);
    expect(bins[1]).toMatchObject({ lo: 1 / 15, hi: 2 / 15, count: 2, accuracy: 0.5 }); // 0.1 and 0.12 are in [0.0667, 0.1333)
    expect(bins[1].confidence).toBeCloseTo(0.11, 12);
    expect(bins[7]).toMatchObject({ count: 1, accuracy: 1, confidence: 0.5 }); // [0.4667, 0.5333)
    expect(bins[14]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(5);
    expect(bins[0].count).toBe(0);
    expect(bins[0].accuracy).toBeNaN();
  });

  it('falls when an over-confident model is scaled to its fitted temperature', () => {
    const { logits, labels } = synthetic(4000, 2.5);
    const before = eceAt(logits, labels, 4000, 1);
    const { temperature } = fitTemperature(logits, labels, 4000, K);
    const after = eceAt(logits, labels, 4000, temperature);
    expect(before).toBeGreaterThan(0.1); // says ~0.95 where it is right far less often
    expect(after).toBeLessThan(before / 4);
  });
});

describe('temperature scaling', () => {
  it('recovers the temperature that generated the labels', () => {
    for (const trueT of [0.6, 1, 2.5]) {
      const { logits, labels } = synthetic(20000, trueT, 7);
      expect(fitTemperature(logits, labels, 20000, K).temperature).toBeCloseTo(trueT, 1);
    }
  });

  it('finds the minimum of the held-out NLL and never raises it above temperature 1', () => {
    const { logits, labels } = synthetic(3000, 1.8, 3);
    const fit = fitTemperature(logits, labels, 3000, K);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    expect(fit.nllBefore).toBeCloseTo(temperatureNll(logits, labels, 3000, K, 1), 12);
    for (const nudge of [0.97, 1.03]) expect(temperatureNll(logits, labels, 3000, K, fit.temperature * nudge)).toBeGreaterThan(fit.nllAfter);
  });

  it('changes the confidence of an answer but never which digit it is', () => {
    const { logits, labels } = synthetic(500, 2, 5);
    const cold = topAnswers(logits, labels, 500, 1);
    const warm = topAnswers(logits, labels, 500, 2);
    expect(warm.correct).toEqual(cold.correct);
    for (let b = 0; b < 500; b++) expect(warm.confidence[b]).toBeLessThanOrEqual(cold.confidence[b] + 1e-12);
  });

  it('recovers the uncalibrated confidence from the calibrated probabilities', () => {
    const { logits } = synthetic(20, 1, 11);
    const atT = new Float32Array(20 * K), atOne = new Float32Array(20 * K);
    softmaxForward(atT, logits, 20, K, 1.7);
    softmaxForward(atOne, logits, 20, K);
    for (let b = 0; b < 20; b++) {
      const p = Array.from(atT.subarray(b * K, (b + 1) * K));
      const top = p.indexOf(Math.max(...p));
      expect(topAtTemperatureOne(p, top, 1.7)).toBeCloseTo(atOne[b * K + top], 5);
    }
  });

  it('softmax at temperature 1 is bit for bit the training softmax', () => {
    const { logits } = synthetic(50, 1, 9);
    const plain = new Float32Array(50 * K), one = new Float32Array(50 * K);
    softmaxForward(plain, logits, 50, K);
    softmaxForward(one, logits, 50, K, 1);
    expect(Array.from(one)).toEqual(Array.from(plain));
  });
});

describe('the calibration held-out images', () => {
  const train = { count: 10, images: Uint8Array.from({ length: 10 * 784 }, (_, i) => Math.floor(i / 784)), labels: Uint8Array.from({ length: 10 }, (_, i) => i) };

  it('are the last N training images, and the trainer may use only the ones before them', () => {
    const held = heldOutSplit(train, 3);
    expect(Array.from(held.labels)).toEqual([7, 8, 9]);
    expect(held.images[0]).toBe(7);
    expect(held.images.length).toBe(3 * 784);
    expect(trainableCount(10, 3)).toBe(7);
    expect(trainableCount(10, 0)).toBe(10);
  });

  it('cannot take every training image', () => {
    expect(() => trainableCount(10, 10)).toThrow(/leaves none of the 10 training images/);
  });
});

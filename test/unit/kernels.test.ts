import { describe, expect, it } from 'vitest';
import { linearBackward, linearForward, linearForwardBatched } from '../../shared/model/kernels/linear';
import { reluBackward, reluForward } from '../../shared/model/kernels/relu';
import { crossEntropyForward, distillationBackward, distillationForward, softmaxCrossEntropyBackward, softmaxForward } from '../../shared/model/kernels/softmax';
import { createRng } from '../../shared/rng';
import { NOT_A_DIGIT_LABEL } from '../../shared/train/number-pieces';
import { expectClose, naiveLinear, naiveSoftLoss, naiveSoftmax } from './reference';

const rng = createRng(42);
/** random values with about `zeros` of them exactly 0, like MNIST pixels */
const sparse = (n: number, zeros = 0.7) => Float32Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.uniform() * 2 - 1));

describe('linear kernels', () => {
  const B = 5, IN = 37, OUT = 11;
  const inp = sparse(B * IN), weight = sparse(IN * OUT, 0), bias = sparse(OUT, 0);

  it('forward matches the naive matmul, zero inputs included', () => {
    const out = new Float32Array(B * OUT);
    linearForward(out, inp, weight, bias, B, IN, OUT);
    expectClose(out, naiveLinear(inp, weight, bias, B, IN, OUT), 1e-5, 1e-5);
  });

  /** linearBackward against the float64 transposed products, accumulating onto non-zero starting gradients */
  function expectBackwardMatchesNaive(dout: Float32Array) {
    const dinp = new Float32Array(B * IN), dweight = new Float32Array(IN * OUT).fill(0.5), dbias = new Float32Array(OUT).fill(-1);
    linearBackward(dinp, dweight, dbias, dout, inp, weight, B, IN, OUT);
    const refDinp = new Float64Array(B * IN), refDw = new Float64Array(IN * OUT).fill(0.5), refDb = new Float64Array(OUT).fill(-1);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < OUT; j++) {
        refDb[j] += dout[b * OUT + j];
        for (let i = 0; i < IN; i++) {
          refDinp[b * IN + i] += dout[b * OUT + j] * weight[i * OUT + j];
          refDw[i * OUT + j] += inp[b * IN + i] * dout[b * OUT + j];
        }
      }
    expectClose(dinp, refDinp, 1e-5, 1e-5);
    expectClose(dweight, refDw, 1e-5, 1e-5);
    expectClose(dbias, refDb, 1e-5, 1e-5);
  }

  it('backward matches the naive transposed products and accumulates into the weight gradient', () => {
    expectBackwardMatchesNaive(sparse(B * OUT, 0));
  });

  it('backward matches them for a sparse upstream gradient too, as ReLU leaves it, one sample all zeros', () => {
    // the kernel walks only the non-zero gradient columns when some are zero
    const dout = sparse(B * OUT, 0.6);
    for (let b = 0; b < B; b++) dout[b * OUT + (b % OUT)] = 0; // at least one zero in every sample
    dout.fill(0, 2 * OUT, 3 * OUT);
    expect(dout.filter((v) => v !== 0).length).toBeGreaterThan(0);
    expectBackwardMatchesNaive(dout);
  });

  it('backward without an input gradient still computes the weight gradient', () => {
    const dout = sparse(B * OUT, 0);
    const a = new Float32Array(IN * OUT), b = new Float32Array(IN * OUT);
    linearBackward(null, a, new Float32Array(OUT), dout, inp, weight, B, IN, OUT);
    linearBackward(new Float32Array(B * IN), b, new Float32Array(OUT), dout, inp, weight, B, IN, OUT);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('the batched inference kernel', () => {
  const IN = 53, OUT = 24; // OUT a multiple of 4, as the blocked path needs
  const weight = sparse(IN * OUT, 0), bias = sparse(OUT, 0);
  /** B samples: fully inked ones (every input non-zero) and sparse ones in a mix, so blocks take both paths */
  const batch = (B: number) => {
    const x = new Float32Array(B * IN);
    for (let b = 0; b < B; b++) x.set(b % 5 === 4 ? sparse(IN, 0.9) : sparse(IN, b % 3 === 0 ? 0 : 0.2), b * IN);
    return x;
  };

  it.each([1, 3, 4, 7, 8, 13, 64])('gives linearForward\'s outputs within float32 rounding, and the float64 product, for a batch of %i', (B) => {
    const x = batch(B);
    const got = new Float32Array(B * OUT), ref = new Float32Array(B * OUT);
    linearForwardBatched(got, x, weight, bias, B, IN, OUT);
    linearForward(ref, x, weight, bias, B, IN, OUT);
    expectClose(got, ref, 1e-6, 1e-6);
    expectClose(got, naiveLinear(x, weight, bias, B, IN, OUT), 1e-5, 1e-5);
  });

  it('is bit for bit linearForward for a single sample and for the samples after the last whole block of four', () => {
    const x = batch(7);
    const got = new Float32Array(7 * OUT), ref = new Float32Array(7 * OUT);
    linearForwardBatched(got, x, weight, bias, 7, IN, OUT);
    linearForward(ref, x, weight, bias, 7, IN, OUT);
    expect(Array.from(got.subarray(4 * OUT))).toEqual(Array.from(ref.subarray(4 * OUT)));
    const one = new Float32Array(OUT), oneRef = new Float32Array(OUT);
    linearForwardBatched(one, x, weight, bias, 1, IN, OUT);
    linearForward(oneRef, x, weight, bias, 1, IN, OUT);
    expect(Array.from(one)).toEqual(Array.from(oneRef));
  });

  it('writes every output of a fully inked block, leaving nothing from an earlier call', () => {
    const B = 8, x = Float32Array.from({ length: B * IN }, (_, i) => 1 + (i % 7));
    const got = new Float32Array(B * OUT).fill(Number.NaN);
    linearForwardBatched(got, x, weight, bias, B, IN, OUT);
    expectClose(got, naiveLinear(x, weight, bias, B, IN, OUT), 1e-5, 1e-5);
  });
});

describe('relu', () => {
  it('forward clamps negatives to zero and backward passes gradient only where the unit was active', () => {
    const x = Float32Array.from([-2, -0, 0, 0.5, 3]);
    const y = new Float32Array(5);
    reluForward(y, x, 5);
    expect(Array.from(y)).toEqual([0, 0, 0, 0.5, 3]);
    const d = new Float32Array(5);
    reluBackward(d, Float32Array.from([1, 2, 3, 4, 5]), y, 5);
    expect(Array.from(d)).toEqual([0, 0, 0, 4, 5]);
  });
});

describe('softmax and cross-entropy', () => {
  const B = 4, K = 10;
  const logits = Float32Array.from({ length: B * K }, () => rng.normal() * 5);
  const targets = [3, 0, 9, 3];

  it('softmax matches the naive one, rows sum to 1, and huge logits do not overflow', () => {
    const p = new Float32Array(B * K);
    softmaxForward(p, logits, B, K);
    expectClose(p, naiveSoftmax(logits, B, K), 1e-6, 1e-5);
    const big = Float32Array.from({ length: K }, (_, k) => 1000 + k);
    const q = new Float32Array(K);
    softmaxForward(q, big, 1, K);
    expect(q.every(Number.isFinite)).toBe(true);
    expect(q.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(q[9]).toBeGreaterThan(q[8]);
  });

  it('cross-entropy is the summed negative log-probability of the targets', () => {
    const p = new Float32Array(B * K);
    softmaxForward(p, logits, B, K);
    const ref = targets.reduce((s, t, b) => s - Math.log(p[b * K + t]), 0);
    expect(crossEntropyForward(p, targets, B, K)).toBeCloseTo(ref, 4);
  });

  it('the combined gradient is (probs - onehot) · scale, and label smoothing moves mass to the other classes', () => {
    const p = new Float32Array(B * K);
    softmaxForward(p, logits, B, K);
    const d = new Float32Array(B * K);
    softmaxCrossEntropyBackward(d, p, targets, B, K, 0.25);
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) expect(d[b * K + k]).toBeCloseTo((p[b * K + k] - (k === targets[b] ? 1 : 0)) * 0.25, 6);
    softmaxCrossEntropyBackward(d, p, targets, B, K, 1, 0.1);
    expect(d[3]).toBeCloseTo(p[3] - 0.91, 6);
    expect(d[4]).toBeCloseTo(p[4] - 0.01, 6);
  });

  it('a label that is no digit (NOT_A_DIGIT_LABEL) has a uniform target, smoothed or not: loss −Σ log(p)/K, gradient p − 1/K', () => {
    const p = new Float32Array(B * K);
    softmaxForward(p, logits, B, K);
    const mixed = [3, NOT_A_DIGIT_LABEL, 9, NOT_A_DIGIT_LABEL];
    let ref = -Math.log(p[0 * K + 3]) - Math.log(p[2 * K + 9]);
    for (const b of [1, 3]) for (let k = 0; k < K; k++) ref -= Math.log(p[b * K + k]) / K;
    expect(crossEntropyForward(p, mixed, B, K)).toBeCloseTo(ref, 3);
    for (const smoothing of [0, 0.1]) {
      const d = new Float32Array(B * K);
      softmaxCrossEntropyBackward(d, p, mixed, B, K, 0.5, smoothing);
      for (let k = 0; k < K; k++) expect(d[K + k]).toBeCloseTo((p[K + k] - 0.1) * 0.5, 6);
      // a uniform output is already right: no gradient at all
      const flat = new Float32Array(K).fill(0.1), g = new Float32Array(K);
      softmaxCrossEntropyBackward(g, flat, [NOT_A_DIGIT_LABEL], 1, K, 1, smoothing);
      expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-7);
    }
  });
});

describe('distillation\'s soft loss', () => {
  const B = 3, K = 10;
  const student = Float64Array.from({ length: B * K }, () => rng.normal() * 3);
  const teacher = Float64Array.from({ length: B * K }, () => rng.normal() * 3);
  const soft = (z: ArrayLike<number>, T: number) => {
    const p = new Float32Array(B * K);
    softmaxForward(p, Float32Array.from(z), B, K, T);
    return p;
  };

  it('T² times its KL divergence is the float64 reference, and 0 when the student already agrees with the teacher', () => {
    for (const T of [1, 2, 4]) {
      const kl = distillationForward(soft(student, T), soft(teacher, T), B, K);
      expect(T * T * kl).toBeCloseTo(naiveSoftLoss(student, teacher, B, K, T), 4);
      expect(distillationForward(soft(teacher, T), soft(teacher, T), B, K)).toBeCloseTo(0, 6);
    }
  });

  it('its gradient, T·(softmax(s/T) − softmax(t/T))·scale added to what is there, matches central differences of the float64 loss', () => {
    for (const T of [1, 3]) {
      const d = new Float32Array(B * K).fill(0.5); // the hard term's gradient, already written
      distillationBackward(d, soft(student, T), soft(teacher, T), B, K, T, 0.25);
      const h = 1e-5;
      for (let i = 0; i < B * K; i++) {
        const up = Float64Array.from(student), down = Float64Array.from(student);
        up[i] += h;
        down[i] -= h;
        const numeric = (naiveSoftLoss(up, teacher, B, K, T) - naiveSoftLoss(down, teacher, B, K, T)) / (2 * h);
        expect(d[i] - 0.5, `T ${T}, logit ${i}`).toBeCloseTo(numeric * 0.25, 5);
      }
    }
  });
});

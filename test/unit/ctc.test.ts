import { describe, expect, it } from 'vitest';
import { ctcGreedy, ctcLogProbability, ctcLoss } from '../../shared/model/kernels/ctc';
import { softmaxForward } from '../../shared/model/kernels/softmax';
import { createRng } from '../../shared/rng';

const C = 11; // blank + 10 digits

/** frames (T, C) from one row of probabilities per frame */
const frames = (rows: number[][]) => Float32Array.from(rows.flat());
/** a frame sure of one class (the blank is class 0, digit d is d + 1) */
const sure = (c: number, p = 0.9) => Array.from({ length: C }, (_, k) => (k === c ? p : (1 - p) / (C - 1)));

describe('CTC', () => {
  it('sums the probability of every alignment of a label', () => {
    const rng = createRng(3);
    const probs = new Float32Array(2 * C);
    softmaxForward(probs, Float32Array.from({ length: 2 * C }, () => rng.normal()), 2, C);
    const p = (t: number, c: number) => probs[t * C + c];
    // "3" in two frames: blank 3, 3 blank, 3 3
    const three = p(0, 0) * p(1, 4) + p(0, 4) * p(1, 0) + p(0, 4) * p(1, 4);
    expect(ctcLogProbability(probs, 2, C, [3])).toBeCloseTo(Math.log(three), 6);
    // "34" in two frames: only 3 then 4
    expect(ctcLogProbability(probs, 2, C, [3, 4])).toBeCloseTo(Math.log(p(0, 4) * p(1, 5)), 6);
  });

  it('needs a blank between two equal digits: "44" does not fit in two frames, and fits three only as 4 blank 4', () => {
    const two = frames([sure(5), sure(5)]);
    expect(ctcLogProbability(two, 2, C, [4, 4])).toBe(-Infinity);
    const three = frames([sure(5), sure(0), sure(5)]);
    expect(ctcLogProbability(three, 3, C, [4, 4])).toBeCloseTo(3 * Math.log(0.9), 5);
    // and a label that cannot fit teaches nothing: loss 0, no gradient
    const grad = new Float32Array(2 * C).fill(7);
    expect(ctcLoss(grad, two, 2, C, [4, 4], 1)).toBe(0);
    expect([...grad].every((g) => g === 0)).toBe(true);
  });

  it('gives the gradient of the loss wrt the logits under a softmax (checked against finite differences)', () => {
    const rng = createRng(11);
    const T = 7, label = [3, 3, 5];
    const logits = Float64Array.from({ length: T * C }, () => rng.normal());
    const lossAt = (z: Float64Array) => {
      const probs = new Float32Array(T * C);
      softmaxForward(probs, Float32Array.from(z), T, C);
      return -ctcLogProbability(probs, T, C, label);
    };
    const probs = new Float32Array(T * C);
    softmaxForward(probs, Float32Array.from(logits), T, C);
    const grad = new Float32Array(T * C);
    const loss = ctcLoss(grad, probs, T, C, label, 1);
    expect(loss).toBeCloseTo(lossAt(logits), 5);
    for (let i = 0; i < T * C; i += 5) {
      const e = 1e-3, up = Float64Array.from(logits), down = Float64Array.from(logits);
      up[i] += e;
      down[i] -= e;
      expect(grad[i]).toBeCloseTo((lossAt(up) - lossAt(down)) / (2 * e), 2);
    }
    // scale multiplies it
    const half = new Float32Array(T * C);
    ctcLoss(half, probs, T, C, label, 0.5);
    expect(half[3]).toBeCloseTo(grad[3] / 2, 6);
  });

  it('reads the best path: repeats merged, blanks dropped, each digit at its first frame', () => {
    const probs = frames([sure(0), sure(3), sure(3), sure(0), sure(3), sure(8), sure(8), sure(0)]);
    const at: number[] = [];
    expect(ctcGreedy(probs, 8, C, at)).toEqual([2, 2, 7]);
    expect(at).toEqual([1, 4, 5]);
    expect(ctcGreedy(frames([sure(0), sure(0)]), 2, C)).toEqual([]);
  });
});

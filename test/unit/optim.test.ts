import { describe, expect, it } from 'vitest';
import { adamUpdate, ADAM_DEFAULTS } from '../../shared/train/optim/adam';
import { sgdUpdate } from '../../shared/train/optim/sgd';

describe('Adam', () => {
  it('takes the hand-computed first two steps', () => {
    // step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 → p = 1 - 0.1 · 0.5 / (0.5 + 1e-8) ≈ 0.9
    // step 2, g = -0.25: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225
    //   m̂ = 0.02 / 0.19 = 0.105263…, v̂ = 0.00031225 / 0.001999 = 0.156203…, √v̂ = 0.395225…
    //   p = 0.9 - 0.1 · 0.105263 / 0.395225 = 0.873366…
    const p = Float32Array.of(1), m = new Float32Array(1), v = new Float32Array(1);
    adamUpdate(p, Float32Array.of(0.5), m, v, 0.1, 1, ADAM_DEFAULTS);
    expect(m[0]).toBeCloseTo(0.05, 7);
    expect(v[0]).toBeCloseTo(0.00025, 9);
    expect(p[0]).toBeCloseTo(0.9, 6);
    adamUpdate(p, Float32Array.of(-0.25), m, v, 0.1, 2, ADAM_DEFAULTS);
    expect(m[0]).toBeCloseTo(0.02, 7);
    expect(v[0]).toBeCloseTo(0.00031225, 9);
    expect(p[0]).toBeCloseTo(0.873366, 5);
  });

  it('applies decoupled weight decay as p · (1 - lr · wd) before the Adam step', () => {
    const p = Float32Array.of(2), m = new Float32Array(1), v = new Float32Array(1);
    adamUpdate(p, Float32Array.of(0), m, v, 0.1, 1, { ...ADAM_DEFAULTS, weightDecay: 0.5 });
    expect(p[0]).toBeCloseTo(2 * (1 - 0.05), 6);
  });

  it('updates only the given range, so threads can own disjoint slices', () => {
    const p = Float32Array.of(1, 1, 1, 1), g = Float32Array.of(1, 1, 1, 1);
    adamUpdate(p, g, new Float32Array(4), new Float32Array(4), 0.1, 1, ADAM_DEFAULTS, 1, 3);
    expect(Array.from(p).map((x) => +x.toFixed(4))).toEqual([1, 0.9, 0.9, 1]);
  });
});

describe('SGD', () => {
  it('takes a plain step p - lr · g', () => {
    const p = Float32Array.of(1, -1);
    sgdUpdate(p, Float32Array.of(0.5, -2), null, 0.1, 0, 0);
    expect(p[0]).toBeCloseTo(0.95, 7);
    expect(p[1]).toBeCloseTo(-0.8, 7);
  });

  it('accumulates momentum: u = μ·u + g, p -= lr·u', () => {
    const p = Float32Array.of(0), u = new Float32Array(1);
    sgdUpdate(p, Float32Array.of(1), u, 0.1, 0.9, 0); // u = 1, p = -0.1
    sgdUpdate(p, Float32Array.of(1), u, 0.1, 0.9, 0); // u = 1.9, p = -0.29
    expect(u[0]).toBeCloseTo(1.9, 6);
    expect(p[0]).toBeCloseTo(-0.29, 6);
  });
});

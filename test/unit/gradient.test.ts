import { describe, expect, it } from 'vitest';
import { backward } from '../../shared/train/backward';
import { createWorkspace, forward } from '../../shared/model/forward';
import { convSizes, createNetwork, initHe, type ConvSpec, type LayerKind } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { naiveLogits, naiveLoss, naiveSoftLoss } from './reference';
import { softmaxForward } from '../../shared/model/kernels/softmax';

// the analytic gradient (float32 kernels) against central differences of a float64 naive loss.

function gradientCheck(sizes: number[], B: number, seed: number, labelSmoothing = 0, kinds?: LayerKind[]) {
  const rng = createRng(seed);
  const net = createNetwork(sizes, undefined, kinds);
  initHe(net, rng);
  for (let i = 0; i < net.params.length; i++) net.params[i] += 0.05 * rng.normal(); // non-zero biases too
  const x = Float32Array.from({ length: B * sizes[0] }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()));
  const targets = Array.from({ length: B }, () => rng.int(sizes[sizes.length - 1]));
  const grads = createNetwork(sizes, undefined, kinds);
  const ws = createWorkspace(sizes, B);
  forward(net, x, B, ws);
  const loss = backward(net, grads, x, targets, B, ws, { scale: 1, labelSmoothing });

  const params = Float64Array.from(net.params);
  expect(loss).toBeCloseTo(naiveLoss(params, sizes, x, targets, B, labelSmoothing, kinds), 3);
  const h = 1e-5;
  let worst = { i: -1, analytic: 0, numeric: 0, err: 0 };
  for (let i = 0; i < params.length; i++) {
    const keep = params[i];
    params[i] = keep + h;
    const up = naiveLoss(params, sizes, x, targets, B, labelSmoothing, kinds);
    params[i] = keep - h;
    const down = naiveLoss(params, sizes, x, targets, B, labelSmoothing, kinds);
    params[i] = keep;
    const numeric = (up - down) / (2 * h);
    const err = Math.abs(numeric - grads.params[i]) / (1e-4 + Math.abs(numeric));
    if (err > worst.err) worst = { i, analytic: grads.params[i], numeric, err };
  }
  return worst;
}

describe('backward pass', () => {
  it('matches central finite differences for a one-hidden-layer network', () => {
    const worst = gradientCheck([12, 7, 4], 3, 1);
    expect(worst.err, `worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
  });

  it('matches central finite differences for a two-hidden-layer network', () => {
    const worst = gradientCheck([10, 8, 6, 5], 4, 2);
    expect(worst.err, `worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
  });

  it('matches central finite differences with label smoothing, as every real run trains', () => {
    // 0.02 is the default; 0.3 makes the smoothed part of the gradient large enough to matter
    for (const smoothing of [0.02, 0.3]) {
      const worst = gradientCheck([10, 8, 6, 5], 4, 5, smoothing);
      expect(worst.err, `smoothing ${smoothing}, worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
    }
  });

  it('matches central finite differences through two strided convolutions and a dense layer (conv → conv → dense → softmax)', () => {
    // a 9×9 image: 3×3 stride 2 → 4×4×3, then 3×3 stride 1 padded → 4×4×2, then 5 units, then 4 classes
    const convs: ConvSpec[] = [
      { kind: 'conv', channels: 3, kernel: 3, stride: 2, pad: 0 },
      { kind: 'conv', channels: 2, kernel: 3, stride: 1, pad: 1 },
    ];
    const sizes = [...convSizes(9, convs), 5, 4];
    const worst = gradientCheck(sizes, 3, 11, 0.1, [...convs, 'dense', 'dense']);
    expect(worst.err, `worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
  });

  it('matches central finite differences for a conv layer straight into the output', () => {
    const convs: ConvSpec[] = [{ kind: 'conv', channels: 4, kernel: 3, stride: 2, pad: 1 }];
    const worst = gradientCheck([...convSizes(7, convs), 3], 2, 12, 0, [...convs, 'dense']);
    expect(worst.err, `worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
  });

  it('matches central finite differences of alpha·CE + (1 − alpha)·T²·KL(teacher ‖ student) when distilling, conv layers included', () => {
    const convs: ConvSpec[] = [{ kind: 'conv', channels: 3, kernel: 3, stride: 2, pad: 0 }];
    const kinds: LayerKind[] = [...convs, 'dense', 'dense'];
    const sizes = [...convSizes(7, convs), 5, 4], B = 3, K = 4, alpha = 0.3, T = 2.5, smoothing = 0.1;
    const rng = createRng(21);
    const net = createNetwork(sizes, undefined, kinds);
    initHe(net, rng);
    for (let i = 0; i < net.params.length; i++) net.params[i] += 0.05 * rng.normal();
    const x = Float32Array.from({ length: B * sizes[0] }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()));
    const targets = Array.from({ length: B }, () => rng.int(K));
    const teacherLogits = Float32Array.from({ length: B * K }, () => rng.normal() * 3);
    const teacherSoft = new Float32Array(B * K);
    softmaxForward(teacherSoft, teacherLogits, B, K, T);
    const grads = createNetwork(sizes, undefined, kinds);
    const ws = createWorkspace(sizes, B);
    forward(net, x, B, ws);
    const loss = backward(net, grads, x, targets, B, ws, { scale: 1, labelSmoothing: smoothing, distill: { alpha, temperature: T, teacherSoft, studentSoft: new Float32Array(B * K) } });
    const lossOf = (p: Float64Array) =>
      alpha * naiveLoss(p, sizes, x, targets, B, smoothing, kinds) + (1 - alpha) * naiveSoftLoss(naiveLogits(p, sizes, x, B, kinds), teacherLogits, B, K, T);
    const params = Float64Array.from(net.params);
    expect(loss).toBeCloseTo(lossOf(params), 3);
    const h = 1e-5;
    let worst = { i: -1, analytic: 0, numeric: 0, err: 0 };
    for (let i = 0; i < params.length; i++) {
      const keep = params[i];
      params[i] = keep + h;
      const up = lossOf(params);
      params[i] = keep - h;
      const down = lossOf(params);
      params[i] = keep;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(numeric - grads.params[i]) / (1e-4 + Math.abs(numeric));
      if (err > worst.err) worst = { i, analytic: grads.params[i], numeric, err };
    }
    expect(worst.err, `worst parameter ${worst.i}: analytic ${worst.analytic}, numeric ${worst.numeric}`).toBeLessThan(2e-3);
    // alpha 1 is the labels alone, to the bit
    const plain = createNetwork(sizes, undefined, kinds), hard = createNetwork(sizes, undefined, kinds);
    backward(net, plain, x, targets, B, ws, { scale: 1, labelSmoothing: smoothing });
    backward(net, hard, x, targets, B, ws, { scale: 1, labelSmoothing: smoothing, distill: { alpha: 1, temperature: T, teacherSoft, studentSoft: new Float32Array(B * K) } });
    expect(hard.params).toEqual(plain.params);
  });

  it('gradients of shards add up to the gradient of the whole batch', () => {
    const sizes = [9, 6, 3], B = 6;
    const rng = createRng(3);
    const net = createNetwork(sizes);
    initHe(net, rng);
    const x = Float32Array.from({ length: B * 9 }, () => rng.uniform());
    const t = Array.from({ length: B }, () => rng.int(3));
    const whole = createNetwork(sizes), halves = createNetwork(sizes);
    const ws = createWorkspace(sizes, B);
    forward(net, x, B, ws);
    backward(net, whole, x, t, B, ws, { scale: 1 / B });
    for (const [from, n] of [[0, 2], [2, 4]]) {
      const xs = x.subarray(from * 9, (from + n) * 9);
      forward(net, xs, n, ws);
      backward(net, halves, xs, t.slice(from, from + n), n, ws, { scale: 1 / B });
    }
    for (let i = 0; i < whole.params.length; i++) expect(halves.params[i]).toBeCloseTo(whole.params[i], 6);
  });
});

import { layerShapes, type LayerKind } from '../../shared/model/network';
import { conv2dReference } from './conv-reference';

// naive float64 references the kernels are checked against: obviously right, not fast.

export function naiveLinear(inp: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, B: number, IN: number, OUT: number): Float64Array {
  const out = new Float64Array(B * OUT);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < OUT; j++) {
      let s = bias[j];
      for (let i = 0; i < IN; i++) s += inp[b * IN + i] * weight[i * OUT + j];
      out[b * OUT + j] = s;
    }
  return out;
}

export function naiveSoftmax(logits: ArrayLike<number>, B: number, K: number): Float64Array {
  const p = new Float64Array(B * K);
  for (let b = 0; b < B; b++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[b * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[b * K + k] - max);
    for (let k = 0; k < K; k++) p[b * K + k] = Math.exp(logits[b * K + k] - max) / sum;
  }
  return p;
}

/**
 * summed cross-entropy of an MLP (ReLU hidden, softmax out) with params laid out as shared/network.ts,
 * against targets smoothed by `smoothing`: (1 - s) on the label and s / K spread over all K classes
 */
/** the network's logits (B, K) in float64, layer by layer from the flat parameters */
export function naiveLogits(params: ArrayLike<number>, sizes: number[], x: ArrayLike<number>, B: number, kinds?: LayerKind[]): ArrayLike<number> {
  let a: ArrayLike<number> = x;
  let offset = 0;
  const shapes = layerShapes(sizes, kinds);
  for (let l = 0; l + 1 < sizes.length; l++) {
    const { rows, cols, conv } = shapes[l];
    const w = Array.from({ length: rows * cols }, (_, i) => params[offset + i]);
    offset += rows * cols;
    const bias = Array.from({ length: cols }, (_, i) => params[offset + i]);
    offset += cols;
    const z = conv ? conv2dReference(a, w, bias, B, conv) : naiveLinear(a, w, bias, B, rows, cols);
    if (l + 2 < sizes.length) for (let i = 0; i < z.length; i++) z[i] = Math.max(0, z[i]);
    a = z;
  }
  return a;
}

export function naiveLoss(params: ArrayLike<number>, sizes: number[], x: ArrayLike<number>, targets: ArrayLike<number>, B: number, smoothing = 0, kinds?: LayerKind[]): number {
  const K = sizes[sizes.length - 1];
  const p = naiveSoftmax(naiveLogits(params, sizes, x, B, kinds), B, K);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < K; k++) loss -= ((k === targets[b] ? 1 - smoothing : 0) + smoothing / K) * Math.log(p[b * K + k]);
  }
  return loss;
}

/** Σ_b T²·KL(softmax(teacher/T) ‖ softmax(student/T)) in float64: distillation's soft term */
export function naiveSoftLoss(studentLogits: ArrayLike<number>, teacherLogits: ArrayLike<number>, B: number, K: number, T: number): number {
  const scaled = (z: ArrayLike<number>) => Array.from({ length: B * K }, (_, i) => z[i] / T);
  const s = naiveSoftmax(scaled(studentLogits), B, K), t = naiveSoftmax(scaled(teacherLogits), B, K);
  let kl = 0;
  for (let i = 0; i < B * K; i++) kl += t[i] * (Math.log(t[i]) - Math.log(s[i]));
  return T * T * kl;
}

/** the first index where |a - b| > atol + rtol·|b|, or -1 */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol = 0): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return i;
  return -1;
}

export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol = 0): void {
  const i = firstMismatch(a, b, atol, rtol);
  if (i >= 0) throw new Error(`mismatch at index ${i}: ${a[i]} vs ${b[i]} (lengths ${a.length}, ${b.length}; atol ${atol}, rtol ${rtol})`);
}

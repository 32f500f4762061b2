// Adam (Kingma & Ba 2015) with optional decoupled weight decay (AdamW, Loshchilov & Hutter 2019).

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number; // decoupled: p -= lr · wd · p, applied to every parameter in [from, to)
}

export const ADAM_DEFAULTS: AdamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface AdamState {
  m: Float32Array; // first moment, same shape as params
  v: Float32Array; // second moment, same shape as params
  step: number; // steps taken so far
}

export function createAdamState(n: number, m?: Float32Array, v?: Float32Array): AdamState {
  return { m: m ?? new Float32Array(n), v: v ?? new Float32Array(n), step: 0 };
}

/**
 * one Adam step over params[from, to) with gradient grad; `step` is the 1-based step number
 * (bias correction); ranges let threads update disjoint slices of the same parameters.
 */
export function adamUpdate(
  params: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  lr: number, step: number, o: AdamOptions, from = 0, to = params.length,
): void {
  const { beta1, beta2, eps, weightDecay } = o;
  const c1 = 1 - beta1, c2 = 1 - beta2;
  // fold both bias corrections into the step size and eps (same result, two fewer divisions per parameter)
  const bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
  const stepSize = (lr * Math.sqrt(bc2)) / bc1;
  const epsHat = eps * Math.sqrt(bc2);
  const decay = 1 - lr * weightDecay;
  for (let i = from; i < to; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + c1 * g;
    const vi = beta2 * v[i] + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i] * decay - (stepSize * mi) / (Math.sqrt(vi) + epsHat);
  }
}

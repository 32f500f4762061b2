import type { Network } from './network';

// a static bound on every activation a network can reach for any input in range, so a model whose
// answers can overflow float32 is refused when it is loaded, not found out by the request that hits it.
//
// per unit j of a layer, with inputs x_i in [0, hi_i] (pixels, or ReLU outputs: never negative):
//   |partial sum| ≤ |b_j| + Σ_i |w_ij| · hi_i   whatever order the kernel adds in (linear.ts stores a
//                                               float32 partial sum every 8 inputs): the overflow check
//   value         ≤ b_j + Σ_i max(w_ij, 0) · hi_i   the top of its interval: the next layer's hi_j after
//                                               ReLU, tighter than the absolute sum when weights cancel
// a conv layer (kernels/conv2d.ts) is bounded per output channel c, at every position at once:
//   |partial sum| ≤ |b_c| + Σ_taps |w| · hi_ic, with hi_ic the largest bound of input channel ic at any
//   position (a position near a padded border has fewer taps, so the bound still holds there).
// computed in float64, where nothing this size overflows. deskew needs no term of its own: it
// interpolates between two neighbours of a row (a convex combination), so it never leaves [0, hi].
// the softmax reads the float32 logits into float64 and subtracts their max before exp, so finite
// logits always give finite probabilities, at any temperature the format accepts.

const FLOAT32_MAX = 3.4028234663852886e38;
/**
 * the largest bound accepted: float32's maximum / 2^8. float32 rounding of a sum of n terms can
 * exceed the exact bound by a factor of about 1 + n·2^-24 (1.004 at 65,536 inputs): 256 leaves room
 * for that many times over. honest models are nowhere near (models/default.bin: about 1e3).
 */
export const ACTIVATION_LIMIT = FLOAT32_MAX / 256;

export interface LayerBound {
  /** the largest |partial sum| any unit of the layer can reach */
  bound: number;
  /** the unit that reaches it */
  unit: number;
  /** the largest |weight| into that unit, to name the culprit */
  largestWeight: number;
}

/**
 * abs (OUT) += Σ_i |w_ij| · hi_i and top (OUT) += Σ_i 2·max(w_ij, 0) · hi_i, in one pass over the
 * weights in memory order. a small function with the simplest loop: a fresh isolate loads its model
 * before V8 has compiled anything, and this is what compiles soonest (about 4 ms for 784×256 cold, 0.5 warm)
 */
function accumulate(weight: Float32Array, IN: number, OUT: number, hi: Float64Array, abs: Float64Array, top: Float64Array): void {
  for (let i = 0; i < IN; i++) {
    const h = hi[i];
    if (h === 0) continue; // an input that is always 0 adds nothing, however large its weights
    const row = i * OUT;
    for (let j = 0; j < OUT; j++) {
      const w = weight[row + j];
      const a = w < 0 ? -w : w;
      abs[j] += a * h;
      top[j] += (w + a) * h;
    }
  }
}

/** (KH·KW·IC) per kernel tap: the largest bound of its input channel at any position of hi (H·W·IC, HWC) */
function tapBounds(hi: Float64Array, IC: number, taps: number): Float64Array {
  const channel = new Float64Array(IC);
  for (let i = 0; i < hi.length; i++) channel[i % IC] = Math.max(channel[i % IC], hi[i]);
  const out = new Float64Array(taps);
  for (let t = 0; t < taps; t++) out[t] = channel[t % IC];
  return out;
}

function repeatRows(row: Float64Array, n: number): Float64Array {
  const out = new Float64Array(row.length * n);
  for (let p = 0; p < n; p++) out.set(row, p * row.length);
  return out;
}

/**
 * the bound of each layer for inputs in [0, inputMax] (pixel 255 × the model's input scale); stops
 * after the first layer over ACTIVATION_LIMIT, whose bound the next layers would only multiply
 */
export function activationBounds(net: Network, inputMax: number): LayerBound[] {
  const bounds: LayerBound[] = [];
  let hi: Float64Array = new Float64Array(net.sizes[0]).fill(inputMax); // (IN) the largest value of each input
  for (const { weight, bias, rows: IN, cols: OUT, conv } of net.layers) {
    const abs = new Float64Array(OUT); // Σ_i |w_ij| · hi_i
    const top = new Float64Array(OUT); // Σ_i max(w_ij, 0) · hi_i
    accumulate(weight, IN, OUT, conv ? tapBounds(hi, conv.IC, IN) : hi, abs, top);
    let unit = 0;
    for (let j = 0; j < OUT; j++) {
      abs[j] += Math.abs(bias[j]);
      top[j] = Math.max(0, top[j] / 2 + bias[j]); // halved: accumulate adds 2·max(w, 0); then ReLU (the last layer's top is not used)
      if (abs[j] > abs[unit]) unit = j;
    }
    let largestWeight = 0;
    for (let i = 0; i < IN; i++) largestWeight = Math.max(largestWeight, Math.abs(weight[i * OUT + unit]));
    bounds.push({ bound: abs[unit], unit, largestWeight });
    if (!(abs[unit] <= ACTIVATION_LIMIT)) break;
    // a conv's channel bound holds at every output position: (OH·OW·OC) in HWC order
    hi = conv ? repeatRows(top, conv.OH * conv.OW) : top;
  }
  return bounds;
}

/** why the network's answers can overflow float32 for some input in [0, inputMax], or null when they cannot */
export function overflowProblem(net: Network, inputMax: number): string | null {
  const bounds = activationBounds(net, inputMax);
  const L = net.layers.length;
  for (let l = 0; l < bounds.length; l++) {
    const { bound, unit, largestWeight } = bounds[l];
    if (bound <= ACTIVATION_LIMIT) continue;
    const where = l === L - 1 ? `logit ${unit}` : net.layers[l].conv ? `channel ${unit} of conv layer ${l + 1}` : `hidden unit ${unit} of layer ${l + 1}`;
    return `for some pixels in 0..255, ${where} can reach ${bound.toExponential(2)} (its largest |weight| is ${largestWeight.toExponential(2)}), ` +
      `beyond the ${ACTIVATION_LIMIT.toExponential(2)} that float32 holds with room to spare: its answers can overflow to NaN`;
  }
  return null;
}

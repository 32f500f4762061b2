import type { Network } from './network';

// a static bound on every activation a network can reach for any input in range, so a model whose
// answers can overflow float32 is refused when it is loaded, not found out by the request that hits it.
//
// per unit j of a layer, with inputs x_i in [0, hi_i] (pixels, or ReLU outputs: never negative):
//   |partial sum| ≤ |b_j| + Σ_i |w_ij| · hi_i   whatever order the kernel adds in (linear.ts stores a
//                                               float32 partial sum every 8 inputs): the overflow check
//   value         ≤ b_j + Σ_i max(w_ij, 0) · hi_i   the top of its interval: the next layer's hi_j after
//                                               ReLU, tighter than the absolute sum when weights cancel
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
 * the bound of each layer for inputs in [0, inputMax] (pixel 255 × the model's input scale); stops
 * after the first layer over ACTIVATION_LIMIT, whose bound the next layers would only multiply
 */
export function activationBounds(net: Network, inputMax: number): LayerBound[] {
  const bounds: LayerBound[] = [];
  let hi = new Float64Array(net.sizes[0]).fill(inputMax); // (IN) the largest value of each input
  for (const { weight, bias, inSize: IN, outSize: OUT } of net.layers) {
    const abs = new Float64Array(OUT); // Σ_i |w_ij| · hi_i
    const top = new Float64Array(OUT); // Σ_i max(w_ij, 0) · hi_i
    // the inputs that can be non-zero (one that is always 0 adds nothing, however large its weights),
    // four weight rows per pass over the unit row, as linear.ts does, so this costs about one forward pass
    const rows: number[] = [];
    for (let i = 0; i < IN; i++) if (hi[i] > 0) rows.push(i);
    let t = 0;
    for (; t + 3 < rows.length; t += 4) {
      const r1 = rows[t] * OUT, r2 = rows[t + 1] * OUT, r3 = rows[t + 2] * OUT, r4 = rows[t + 3] * OUT;
      const h1 = hi[rows[t]], h2 = hi[rows[t + 1]], h3 = hi[rows[t + 2]], h4 = hi[rows[t + 3]];
      for (let j = 0; j < OUT; j++) {
        const w1 = weight[r1 + j], w2 = weight[r2 + j], w3 = weight[r3 + j], w4 = weight[r4 + j];
        abs[j] += Math.abs(w1) * h1 + Math.abs(w2) * h2 + Math.abs(w3) * h3 + Math.abs(w4) * h4;
        top[j] += (w1 > 0 ? w1 : 0) * h1 + (w2 > 0 ? w2 : 0) * h2 + (w3 > 0 ? w3 : 0) * h3 + (w4 > 0 ? w4 : 0) * h4;
      }
    }
    for (; t < rows.length; t++) {
      const r = rows[t] * OUT, h = hi[rows[t]];
      for (let j = 0; j < OUT; j++) {
        const w = weight[r + j];
        abs[j] += Math.abs(w) * h;
        top[j] += (w > 0 ? w : 0) * h;
      }
    }
    let unit = 0;
    for (let j = 0; j < OUT; j++) {
      abs[j] += Math.abs(bias[j]);
      top[j] = Math.max(0, top[j] + bias[j]); // after ReLU (the last layer's top is not used)
      if (abs[j] > abs[unit]) unit = j;
    }
    let largestWeight = 0;
    for (let i = 0; i < IN; i++) largestWeight = Math.max(largestWeight, Math.abs(weight[i * OUT + unit]));
    bounds.push({ bound: abs[unit], unit, largestWeight });
    if (!(abs[unit] <= ACTIVATION_LIMIT)) break;
    hi = top;
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
    const where = l === L - 1 ? `logit ${unit}` : `hidden unit ${unit} of layer ${l + 1}`;
    return `for some pixels in 0..255, ${where} can reach ${bound.toExponential(2)} (its largest |weight| is ${largestWeight.toExponential(2)}), ` +
      `beyond the ${ACTIVATION_LIMIT.toExponential(2)} that float32 holds with room to spare: its answers can overflow to NaN`;
  }
  return null;
}

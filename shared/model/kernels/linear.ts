// fully connected layer. B = batch, IN = input features, OUT = output features.
// written for V8, which has no SIMD for plain JS: time goes into loads and stores, so the
// kernels skip zeros (~81% of MNIST pixels, ~57% of ReLU outputs and of their gradients) and
// let one load or store of a row serve several inputs at once.

// scratch for one sample's non-zero entries, grown on demand (each thread has its own module)
let nzIndex = new Int32Array(0);
let nzValue = new Float64Array(0);
let nzIndex2 = new Int32Array(0);
let nzValue2 = new Float64Array(0);

function scratch(n: number): void {
  if (nzIndex.length < n) {
    nzIndex = new Int32Array(n);
    nzValue = new Float64Array(n);
    nzIndex2 = new Int32Array(n);
    nzValue2 = new Float64Array(n);
  }
}

/** writes the non-zero entries of a[from, from + n) as (index · stride, value) pairs; returns their count */
function gatherNonZero(index: Int32Array, value: Float64Array, a: Float32Array, from: number, n: number, stride: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = a[from + i];
    if (v !== 0) {
      index[count] = i * stride;
      value[count] = v;
      count++;
    }
  }
  return count;
}

/** out (B, OUT) = inp (B, IN) · weight (IN, OUT) + bias (OUT) */
export function linearForward(
  out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array,
  B: number, IN: number, OUT: number,
): void {
  scratch(Math.max(IN, OUT));
  const rows = nzIndex, vals = nzValue;
  for (let b = 0; b < B; b++) {
    const n = gatherNonZero(rows, vals, inp, b * IN, IN, OUT);
    const o = b * OUT;
    for (let j = 0; j < OUT; j++) out[o + j] = bias[j];
    let t = 0;
    // eight weight rows per pass over the output row: one load and store of out per 8 multiply-adds
    for (; t + 7 < n; t += 8) {
      const w1 = rows[t], w2 = rows[t + 1], w3 = rows[t + 2], w4 = rows[t + 3];
      const w5 = rows[t + 4], w6 = rows[t + 5], w7 = rows[t + 6], w8 = rows[t + 7];
      const v1 = vals[t], v2 = vals[t + 1], v3 = vals[t + 2], v4 = vals[t + 3];
      const v5 = vals[t + 4], v6 = vals[t + 5], v7 = vals[t + 6], v8 = vals[t + 7];
      for (let j = 0; j < OUT; j++) {
        out[o + j] += v1 * weight[w1 + j] + v2 * weight[w2 + j] + v3 * weight[w3 + j] + v4 * weight[w4 + j]
          + v5 * weight[w5 + j] + v6 * weight[w6 + j] + v7 * weight[w7 + j] + v8 * weight[w8 + j];
      }
    }
    for (; t < n; t++) {
      const w1 = rows[t], v1 = vals[t];
      for (let j = 0; j < OUT; j++) out[o + j] += v1 * weight[w1 + j];
    }
  }
}

/**
 * accumulates (+=) dweight (IN, OUT) += inpᵀ · dout and dbias (OUT) += Σ_b dout;
 * writes dinp (B, IN) = dout · weightᵀ unless dinp is null (the first layer needs no input gradient).
 * only the non-zero gradient columns and non-zero inputs of each sample are visited.
 */
export function linearBackward(
  dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array,
  dout: Float32Array, inp: Float32Array, weight: Float32Array,
  B: number, IN: number, OUT: number,
): void {
  scratch(Math.max(IN, OUT));
  const cols = nzIndex, grads = nzValue, rows = nzIndex2, vals = nzValue2;
  for (let b = 0; b < B; b++) {
    const o = b * OUT, x = b * IN;
    for (let j = 0; j < OUT; j++) dbias[j] += dout[o + j];
    const n = gatherNonZero(cols, grads, dout, o, OUT, 1);
    if (dinp !== null) {
      for (let i = 0; i < IN; i++) {
        const w = i * OUT;
        let s = 0;
        if (n === OUT) for (let j = 0; j < OUT; j++) s += dout[o + j] * weight[w + j];
        else for (let t = 0; t < n; t++) s += grads[t] * weight[w + cols[t]];
        dinp[x + i] = s;
      }
    }
    if (n === 0) continue;
    const m = gatherNonZero(rows, vals, inp, x, IN, OUT);
    let p = 0;
    // four weight rows per pass over the gradient columns: each column index and value is loaded once for four updates
    for (; p + 3 < m; p += 4) {
      const w1 = rows[p], w2 = rows[p + 1], w3 = rows[p + 2], w4 = rows[p + 3];
      const v1 = vals[p], v2 = vals[p + 1], v3 = vals[p + 2], v4 = vals[p + 3];
      for (let t = 0; t < n; t++) {
        const c = cols[t], g = grads[t];
        dweight[w1 + c] += v1 * g;
        dweight[w2 + c] += v2 * g;
        dweight[w3 + c] += v3 * g;
        dweight[w4 + c] += v4 * g;
      }
    }
    for (; p < m; p++) {
      const w = rows[p], v = vals[p];
      for (let t = 0; t < n; t++) dweight[w + cols[t]] += v * grads[t];
    }
  }
}

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

// scratch for blockedForward: the union of four samples' non-zero rows, and their four values per row
let unionRow = new Int32Array(0);
let unionValue = new Float64Array(0);

/** ≈ how much dearer one union row of a 4-sample block is than one row of a single sample (measured, V8 on x64) */
const BLOCK_ROW_COST = 2.7;

/**
 * the same product as linearForward, for inference on batches: four samples share each load of a
 * weight row, and 4 × 4 outputs are summed in registers (float64) over the rows any of the four
 * needs, so a block costs per union row what linearForward costs per row of each sample (~1.6× faster
 * on fully inked images). a block whose samples share few non-zero rows (sparse digits) gains nothing
 * from that and goes through linearForward; so do the last B mod 4 samples and a batch of one, whose
 * outputs are then bit for bit linearForward's. in a block, sums are rounded once at the end instead of
 * every eight rows: within float32 rounding of linearForward's. its backward is linearBackward.
 */
export function linearForwardBatched(
  out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array,
  B: number, IN: number, OUT: number,
): void {
  if (OUT % 4 !== 0 || B < 4) return linearForward(out, inp, weight, bias, B, IN, OUT);
  if (unionRow.length < IN) {
    unionRow = new Int32Array(IN);
    unionValue = new Float64Array(4 * IN);
  }
  const rows = unionRow, vals = unionValue;
  let b = 0;
  for (; b + 3 < B; b += 4) {
    const x0 = b * IN, x1 = x0 + IN, x2 = x1 + IN, x3 = x2 + IN;
    let n = 0, each = 0;
    for (let i = 0; i < IN; i++) {
      const a0 = inp[x0 + i], a1 = inp[x1 + i], a2 = inp[x2 + i], a3 = inp[x3 + i];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      each += (a0 !== 0 ? 1 : 0) + (a1 !== 0 ? 1 : 0) + (a2 !== 0 ? 1 : 0) + (a3 !== 0 ? 1 : 0);
      rows[n] = i * OUT;
      const q = 4 * n;
      vals[q] = a0;
      vals[q + 1] = a1;
      vals[q + 2] = a2;
      vals[q + 3] = a3;
      n++;
    }
    if (n * BLOCK_ROW_COST >= each) {
      linearForward(out.subarray(b * OUT, (b + 4) * OUT), inp.subarray(x0, x0 + 4 * IN), weight, bias, 4, IN, OUT);
      continue;
    }
    const o0 = b * OUT, o1 = o0 + OUT, o2 = o1 + OUT, o3 = o2 + OUT;
    for (let j = 0; j < OUT; j += 4) {
      let s00 = bias[j], s01 = bias[j + 1], s02 = bias[j + 2], s03 = bias[j + 3];
      let s10 = s00, s11 = s01, s12 = s02, s13 = s03;
      let s20 = s00, s21 = s01, s22 = s02, s23 = s03;
      let s30 = s00, s31 = s01, s32 = s02, s33 = s03;
      for (let t = 0; t < n; t++) {
        const r = rows[t] + j, q = 4 * t;
        const w0 = weight[r], w1 = weight[r + 1], w2 = weight[r + 2], w3 = weight[r + 3];
        let a = vals[q];
        s00 += a * w0; s01 += a * w1; s02 += a * w2; s03 += a * w3;
        a = vals[q + 1];
        s10 += a * w0; s11 += a * w1; s12 += a * w2; s13 += a * w3;
        a = vals[q + 2];
        s20 += a * w0; s21 += a * w1; s22 += a * w2; s23 += a * w3;
        a = vals[q + 3];
        s30 += a * w0; s31 += a * w1; s32 += a * w2; s33 += a * w3;
      }
      out[o0 + j] = s00; out[o0 + j + 1] = s01; out[o0 + j + 2] = s02; out[o0 + j + 3] = s03;
      out[o1 + j] = s10; out[o1 + j + 1] = s11; out[o1 + j + 2] = s12; out[o1 + j + 3] = s13;
      out[o2 + j] = s20; out[o2 + j + 1] = s21; out[o2 + j + 2] = s22; out[o2 + j + 3] = s23;
      out[o3 + j] = s30; out[o3 + j + 1] = s31; out[o3 + j + 2] = s32; out[o3 + j + 3] = s33;
    }
  }
  if (b < B) linearForward(out.subarray(b * OUT, B * OUT), inp.subarray(b * IN, B * IN), weight, bias, B - b, IN, OUT);
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

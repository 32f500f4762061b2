// 2-D convolution. B = batch; an image is HWC: (H, W, C) row-major, one pixel's C channels contiguous;
// weight (KH, KW, IC, OC) row-major, i.e. a (KH·KW·IC, OC) matrix whose rows are one input tap's fan-out
// to every output channel; bias (OC). output (OH, OW, OC), OH = floor((H + 2·pad − KH) / stride) + 1.
//
// why HWC and input-first (scatter) loops: V8 has no SIMD for plain JS, so time goes into loads and
// stores, and ~81% of MNIST pixels and about half of ReLU outputs are zero. visiting each non-zero
// input once and adding its value × a contiguous OC-long weight row into a contiguous OC-long output
// row skips the zeros entirely and keeps the inner loop on contiguous memory, as linear.ts does. in
// NCHW the inner loop would stride across rows of one channel and could not skip a zero input for
// all output channels at once. a dense layer after a conv layer reads the HWC output as it is.

export interface ConvShape {
  H: number; W: number; IC: number; // input
  OH: number; OW: number; OC: number; // output
  KH: number; KW: number;
  stride: number;
  pad: number;
}

/** the output side of a convolution over `side` inputs, or a value < 1 when the kernel does not fit */
export const convOutSide = (side: number, kernel: number, stride: number, pad: number): number =>
  Math.floor((side + 2 * pad - kernel) / stride) + 1;

// per input row, the (ky, output row) pairs it reaches; per input column likewise. computed once per shape.
interface Taps {
  rowStart: Int32Array; // (H + 1) offsets into rowK / rowO
  rowK: Int32Array;
  rowO: Int32Array;
  colStart: Int32Array; // (W + 1)
  colK: Int32Array;
  colO: Int32Array;
}

const tapCache = new Map<string, Taps>();

function tapsOf(side: number, K: number, stride: number, pad: number, outSide: number): [Int32Array, Int32Array, Int32Array] {
  const start = new Int32Array(side + 1);
  const ks: number[] = [], os: number[] = [];
  for (let i = 0; i < side; i++) {
    start[i] = ks.length;
    for (let k = 0; k < K; k++) {
      const t = i + pad - k; // = o · stride
      if (t < 0 || t % stride !== 0) continue;
      const o = t / stride;
      if (o >= outSide) continue;
      ks.push(k);
      os.push(o);
    }
  }
  start[side] = ks.length;
  return [start, Int32Array.from(ks), Int32Array.from(os)];
}

function taps(s: ConvShape): Taps {
  const key = `${s.H},${s.W},${s.KH},${s.KW},${s.stride},${s.pad},${s.OH},${s.OW}`;
  let t = tapCache.get(key);
  if (!t) {
    const [rowStart, rowK, rowO] = tapsOf(s.H, s.KH, s.stride, s.pad, s.OH);
    const [colStart, colK, colO] = tapsOf(s.W, s.KW, s.stride, s.pad, s.OW);
    t = { rowStart, rowK, rowO, colStart, colK, colO };
    tapCache.set(key, t);
  }
  return t;
}

// scratch for one pixel's non-zero channels, grown on demand (each thread has its own module)
let nzOffset = new Int32Array(0);
let nzValue = new Float64Array(0);

/** out (B, OH, OW, OC) = conv(inp (B, H, W, IC), weight (KH, KW, IC, OC)) + bias (OC) */
export function conv2dForward(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array, B: number, s: ConvShape): void {
  const { H, W, IC, OH, OW, OC, KW } = s;
  const t = taps(s);
  const IN = H * W * IC, OUT = OH * OW * OC;
  if (nzOffset.length < IC) {
    nzOffset = new Int32Array(IC);
    nzValue = new Float64Array(IC);
  }
  const rows = nzOffset, vals = nzValue;
  for (let b = 0; b < B; b++) {
    const x0 = b * IN, o0 = b * OUT;
    for (let p = 0; p < OH * OW; p++) for (let c = 0; c < OC; c++) out[o0 + p * OC + c] = bias[c];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // this pixel's non-zero channels, as (weight row offset within a tap, value)
        const xi = x0 + (y * W + x) * IC;
        let n = 0;
        for (let ci = 0; ci < IC; ci++) {
          const v = inp[xi + ci];
          if (v !== 0) {
            rows[n] = ci * OC;
            vals[n] = v;
            n++;
          }
        }
        if (n === 0) continue;
        for (let r = t.rowStart[y]; r < t.rowStart[y + 1]; r++) {
          const ky = t.rowK[r], oy = t.rowO[r];
          for (let q = t.colStart[x]; q < t.colStart[x + 1]; q++) {
            const kx = t.colK[q], ox = t.colO[q];
            const w = (ky * KW + kx) * IC * OC;
            const o = o0 + (oy * OW + ox) * OC;
            let k = 0;
            // four channels per pass over the output row: one load and store of out per 4 multiply-adds
            for (; k + 3 < n; k += 4) {
              const w1 = w + rows[k], w2 = w + rows[k + 1], w3 = w + rows[k + 2], w4 = w + rows[k + 3];
              const v1 = vals[k], v2 = vals[k + 1], v3 = vals[k + 2], v4 = vals[k + 3];
              for (let c = 0; c < OC; c++) out[o + c] += v1 * weight[w1 + c] + v2 * weight[w2 + c] + v3 * weight[w3 + c] + v4 * weight[w4 + c];
            }
            for (; k < n; k++) {
              const w1 = w + rows[k], v1 = vals[k];
              for (let c = 0; c < OC; c++) out[o + c] += v1 * weight[w1 + c];
            }
          }
        }
      }
    }
  }
}

/**
 * accumulates (+=) dweight (KH, KW, IC, OC) and dbias (OC); writes dinp (B, H, W, IC) unless it is
 * null (the first layer needs no input gradient). the same scatter walk as the forward pass:
 * zero inputs add nothing to dweight, and every input's gradient is a sum over the outputs it reached.
 * reluInput: inp is a ReLU's output, whose backward zeroes the gradient wherever inp is 0, so dinp is
 * written 0 there without being computed (about half the input gradient's work).
 */
export function conv2dBackward(
  dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array,
  dout: Float32Array, inp: Float32Array, weight: Float32Array, B: number, s: ConvShape, reluInput = false,
): void {
  const { H, W, IC, OH, OW, OC, KW } = s;
  const t = taps(s);
  const IN = H * W * IC, OUT = OH * OW * OC;
  for (let b = 0; b < B; b++) {
    const x0 = b * IN, o0 = b * OUT;
    for (let p = 0; p < OH * OW; p++) for (let c = 0; c < OC; c++) dbias[c] += dout[o0 + p * OC + c];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const xi = x0 + (y * W + x) * IC;
        for (let ci = 0; ci < IC; ci++) {
          const v = inp[xi + ci];
          if (v === 0 && (reluInput || dinp === null)) {
            if (dinp !== null) dinp[xi + ci] = 0;
            continue;
          }
          let g = 0;
          for (let r = t.rowStart[y]; r < t.rowStart[y + 1]; r++) {
            const ky = t.rowK[r], oy = t.rowO[r];
            for (let q = t.colStart[x]; q < t.colStart[x + 1]; q++) {
              const kx = t.colK[q], ox = t.colO[q];
              const w = ((ky * KW + kx) * IC + ci) * OC;
              const o = o0 + (oy * OW + ox) * OC;
              if (v !== 0) for (let c = 0; c < OC; c++) dweight[w + c] += v * dout[o + c];
              if (dinp !== null) for (let c = 0; c < OC; c++) g += weight[w + c] * dout[o + c];
            }
          }
          if (dinp !== null) dinp[xi + ci] = g;
        }
      }
    }
  }
}

// the inverse DCT of one 8×8 block, producing 8×8, 4×4, 2×2 or 1×1 pixels (S×S). each reduced pixel
// is the exact mean of the 8/S × 8/S box of full-size pixels it replaces (before rounding and
// clamping): the box sums are folded into the cosine matrix, so a block decoded at 1/4 costs a
// quarter of the multiplications and equals a full decode box-averaged, which is what the PNG path
// does to large images. coefficients are in natural (row-major) order, v = row = vertical frequency.

/** the scales a block can be decoded at, in pixels a side */
export type BlockSide = 1 | 2 | 4 | 8;

/** (S, 8) for each S: the mean over each output box of A[x][u] = C(u)/2 · cos((2x+1)uπ/16) */
const MATRICES: Record<BlockSide, Float32Array> = { 1: boxMatrix(1), 2: boxMatrix(2), 4: boxMatrix(4), 8: boxMatrix(8) };

function boxMatrix(S: number): Float32Array {
  const m = new Float32Array(S * 8);
  const box = 8 / S;
  for (let i = 0; i < S; i++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = i * box; x < (i + 1) * box; x++) sum += (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
      m[i * 8 + u] = sum / box;
    }
  }
  return m;
}

/** (8, S) scratch between the two passes */
const tmp = new Float32Array(64);

/**
 * dequantizes block (64 values at coefs[at..]) with quant (64, natural order) and writes its S×S
 * pixels, level-shifted and clamped to 0..255, at out[o + j·stride + i].
 */
export function idctBlock(coefs: Int16Array, at: number, quant: Uint16Array, S: BlockSide, out: Float32Array, o: number, stride: number): void {
  if (S === 1) {
    // the mean of a whole block: every cosine but the DC one averages to zero over it
    out[o] = clamp((coefs[at] * quant[0]) / 8 + 128);
    return;
  }
  const m = MATRICES[S];
  // rows of coefficients that are all zero add nothing: most are, in a photo
  let rows = 0;
  for (let v = 0; v < 8; v++) {
    const r = at + v * 8;
    let any = v === 0 ? coefs[r + 1] | coefs[r + 2] | coefs[r + 3] | coefs[r + 4] | coefs[r + 5] | coefs[r + 6] | coefs[r + 7] : 0;
    if (v > 0) for (let u = 0; u < 8; u++) any |= coefs[r + u];
    if (any !== 0) rows |= 1 << v;
  }
  if (rows === 0) {
    // DC alone: every pixel of the block is the same
    const p = clamp((coefs[at] * quant[0]) / 8 + 128);
    for (let j = 0; j < S; j++) for (let i = 0; i < S; i++) out[o + j * stride + i] = p;
    return;
  }
  rows |= 1;
  for (let v = 0; v < 8; v++) {
    const t = v * S;
    if ((rows & (1 << v)) === 0) {
      for (let i = 0; i < S; i++) tmp[t + i] = 0;
      continue;
    }
    const r = at + v * 8;
    const q = v * 8;
    const c0 = coefs[r] * quant[q], c1 = coefs[r + 1] * quant[q + 1], c2 = coefs[r + 2] * quant[q + 2], c3 = coefs[r + 3] * quant[q + 3];
    const c4 = coefs[r + 4] * quant[q + 4], c5 = coefs[r + 5] * quant[q + 5], c6 = coefs[r + 6] * quant[q + 6], c7 = coefs[r + 7] * quant[q + 7];
    for (let i = 0; i < S; i++) {
      const mi = i * 8;
      tmp[t + i] = c0 * m[mi] + c1 * m[mi + 1] + c2 * m[mi + 2] + c3 * m[mi + 3] + c4 * m[mi + 4] + c5 * m[mi + 5] + c6 * m[mi + 6] + c7 * m[mi + 7];
    }
  }
  for (let j = 0; j < S; j++) {
    const mj = j * 8;
    const m0 = m[mj], m1 = m[mj + 1], m2 = m[mj + 2], m3 = m[mj + 3], m4 = m[mj + 4], m5 = m[mj + 5], m6 = m[mj + 6], m7 = m[mj + 7];
    const row = o + j * stride;
    for (let i = 0; i < S; i++) {
      const v =
        m0 * tmp[i] + m1 * tmp[S + i] + m2 * tmp[2 * S + i] + m3 * tmp[3 * S + i] + m4 * tmp[4 * S + i] + m5 * tmp[5 * S + i] + m6 * tmp[6 * S + i] + m7 * tmp[7 * S + i];
      out[row + i] = clamp(v + 128);
    }
  }
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

// the inverse DCT of one 8×8 block, producing 8×8, 4×4, 2×2 or 1×1 pixels (S×S). each reduced pixel
// is the exact mean of the 8/S × 8/S box of full-size pixels it replaces (before rounding and
// clamping): the box sums are folded into the cosine matrix, so a block decoded at 1/4 costs a
// quarter of the multiplications and equals a full decode box-averaged, which is what the PNG path
// does to large images. coefficients are in natural (row-major) order, v = row = vertical frequency.

/** the scales a block can be decoded at, in pixels a side */
export type BlockSide = 1 | 2 | 4 | 8;

/** (S, 8) for each S: the mean over each output box of A[x][u] = C(u)/2 · cos((2x+1)uπ/16) */
const MATRICES = [boxMatrix(1), boxMatrix(2), boxMatrix(2), boxMatrix(4), boxMatrix(4), boxMatrix(8), boxMatrix(8), boxMatrix(8), boxMatrix(8)];

function boxMatrix(S: number): Float64Array {
  const m = new Float64Array(S * 8);
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
const tmp = new Float64Array(64);

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
  if (S === 2) return idct2(coefs, at, quant, out, o, stride);
  const m = MATRICES[S];
  // pass 1, along each row of coefficients: rows that are all zero (most, in a photo) add nothing
  let rows = 0;
  for (let v = 0; v < 8; v++) {
    const r = at + v * 8;
    const t = v * S;
    const a0 = coefs[r], a1 = coefs[r + 1], a2 = coefs[r + 2], a3 = coefs[r + 3], a4 = coefs[r + 4], a5 = coefs[r + 5], a6 = coefs[r + 6], a7 = coefs[r + 7];
    if ((a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7) === 0) continue;
    rows |= 1 << v;
    const q = v * 8;
    const c0 = a0 * quant[q], c1 = a1 * quant[q + 1], c2 = a2 * quant[q + 2], c3 = a3 * quant[q + 3];
    const c4 = a4 * quant[q + 4], c5 = a5 * quant[q + 5], c6 = a6 * quant[q + 6], c7 = a7 * quant[q + 7];
    for (let i = 0; i < S; i++) {
      const mi = i * 8;
      tmp[t + i] = c0 * m[mi] + c1 * m[mi + 1] + c2 * m[mi + 2] + c3 * m[mi + 3] + c4 * m[mi + 4] + c5 * m[mi + 5] + c6 * m[mi + 6] + c7 * m[mi + 7];
    }
  }
  if (rows <= 1 && (coefs[at + 1] | coefs[at + 2] | coefs[at + 3] | coefs[at + 4] | coefs[at + 5] | coefs[at + 6] | coefs[at + 7]) === 0) {
    // DC alone: every pixel of the block is the same
    const p = clamp((coefs[at] * quant[0]) / 8 + 128);
    for (let j = 0; j < S; j++) for (let i = 0; i < S; i++) out[o + j * stride + i] = p;
    return;
  }
  // pass 2, down each column, over the rows that had something
  for (let j = 0; j < S; j++) {
    const mj = j * 8;
    const row = o + j * stride;
    for (let i = 0; i < S; i++) {
      let v = 128;
      for (let k = 0, bits = rows; bits !== 0; k++, bits >>= 1) if (bits & 1) v += m[mj + k] * tmp[k * S + i];
      out[row + i] = clamp(v);
    }
  }
}

/** (8) the 1/2-scale box means of row 0; row 1 is the same with the odd frequencies' signs flipped */
const M2 = MATRICES[2];

/**
 * idctBlock at S = 2, where the box means of the even frequencies 2, 4 and 6 vanish (their cosines
 * cancel over each half of the block) and the right half mirrors the left: 25 coefficients of 64 are
 * read, each output is an even part plus or minus an odd part.
 */
function idct2(coefs: Int16Array, at: number, quant: Uint16Array, out: Float32Array, o: number, stride: number): void {
  const a0 = M2[0], a1 = M2[1], a3 = M2[3], a5 = M2[5], a7 = M2[7];
  // per used row v (0, 1, 3, 5, 7): the two half-block means along the row, as even ± odd
  let e0 = 0, e1 = 0, o0 = 0, o1 = 0; // Σ over even (v = 0) and odd rows, for output columns 0 and 1
  for (let v = 0; v < 8; v = v === 0 ? 1 : v + 2) {
    const r = at + v * 8, q = v * 8;
    const even = coefs[r] * quant[q] * a0;
    const odd = coefs[r + 1] * quant[q + 1] * a1 + coefs[r + 3] * quant[q + 3] * a3 + coefs[r + 5] * quant[q + 5] * a5 + coefs[r + 7] * quant[q + 7] * a7;
    const left = even + odd, right = even - odd;
    if (v === 0) {
      e0 = left * a0;
      e1 = right * a0;
    } else {
      const av = M2[v];
      o0 += left * av;
      o1 += right * av;
    }
  }
  out[o] = clamp(128 + e0 + o0);
  out[o + 1] = clamp(128 + e1 + o1);
  out[o + stride] = clamp(128 + e0 - o0);
  out[o + stride + 1] = clamp(128 + e1 - o1);
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

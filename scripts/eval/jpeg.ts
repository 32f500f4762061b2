// what a jpeg encoder does to luminance: 8x8 blocks, a dct, coefficients rounded to the steps of the
// standard quantisation table scaled for a quality, and back. no entropy coding: only the loss matters.

// the jpeg standard's luminance table (annex k), in row-major (v, u) order
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55,
  64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

const COS = new Float64Array(64); // (x, u) cos((2x + 1) u pi / 16)
for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) COS[x * 8 + u] = Math.cos(((2 * x + 1) * u * Math.PI) / 16);
const C = (u: number) => (u === 0 ? Math.SQRT1_2 : 1);

/** the quantisation steps for a quality 1..100, as the ijg library scales them */
function table(quality: number): Float64Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float64Array.from(LUMA, (v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/** compresses and decompresses (height, width) luminance 0..255 in place at the given quality */
export function jpegRoundTrip(gray: Float32Array, width: number, height: number, quality: number): void {
  const steps = table(quality);
  const block = new Float64Array(64), tmp = new Float64Array(64);
  for (let by = 0; by < height; by += 8)
    for (let bx = 0; bx < width; bx += 8) {
      // edge blocks repeat the last row and column, as encoders pad
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) block[y * 8 + x] = gray[Math.min(height - 1, by + y) * width + Math.min(width - 1, bx + x)] - 128;
      // the 2-d dct one axis at a time: rows (x -> u), then columns (y -> v)
      for (let y = 0; y < 8; y++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let x = 0; x < 8; x++) s += block[y * 8 + x] * COS[x * 8 + u];
          tmp[y * 8 + u] = 0.5 * C(u) * s;
        }
      for (let v = 0; v < 8; v++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let y = 0; y < 8; y++) s += tmp[y * 8 + u] * COS[y * 8 + v];
          const step = steps[v * 8 + u];
          block[v * 8 + u] = Math.round((0.5 * C(v) * s) / step) * step;
        }
      // and back: columns (v -> y), then rows (u -> x)
      for (let y = 0; y < 8; y++)
        for (let u = 0; u < 8; u++) {
          let s = 0;
          for (let v = 0; v < 8; v++) s += C(v) * block[v * 8 + u] * COS[y * 8 + v];
          tmp[y * 8 + u] = 0.5 * s;
        }
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) {
          if (by + y >= height || bx + x >= width) continue;
          let s = 0;
          for (let u = 0; u < 8; u++) s += C(u) * tmp[y * 8 + u] * COS[x * 8 + u];
          gray[(by + y) * width + bx + x] = Math.min(255, Math.max(0, 0.5 * s + 128));
        }
    }
}

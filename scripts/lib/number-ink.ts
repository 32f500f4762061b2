// MNIST digits blown up into the large pictures bench:edge sends (a digit on a photo-sized field, a
// number on the 600×200 pad), shared with the dev scripts that time /read's stages.
import { D, IMAGE_SIDE } from '../../shared/dims';

/** an MNIST digit (0..255, ink bright) scaled bilinearly into a side×side field, digit ~70% of it */
export function bigDigit(digit: Uint8Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const size = Math.max(IMAGE_SIDE, Math.round(side * 0.7));
  const off = Math.floor((side - size) / 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sy = Math.min(IMAGE_SIDE - 1, Math.max(0, ((y + 0.5) * IMAGE_SIDE) / size - 0.5));
      const sx = Math.min(IMAGE_SIDE - 1, Math.max(0, ((x + 0.5) * IMAGE_SIDE) / size - 0.5));
      const y0 = Math.floor(sy), x0 = Math.floor(sx), y1 = Math.min(IMAGE_SIDE - 1, y0 + 1), x1 = Math.min(IMAGE_SIDE - 1, x0 + 1);
      const fy = sy - y0, fx = sx - x0;
      const at = (yy: number, xx: number) => digit[yy * IMAGE_SIDE + xx];
      out[(y + off) * side + x + off] = (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
    }
  }
  return out;
}

/** `count` MNIST digits side by side on a W×H ink map (ink bright), each 4× its size, `gap` px apart (negative: overlapping) */
export function numberInk(mnist: Uint8Array, count: number, W: number, H: number, gap: number, scale = 4): Float32Array {
  const ink = new Float32Array(W * H);
  let at = 12;
  for (let k = 0; k < count; k++) {
    const big = bigDigit(mnist.subarray(k * D, (k + 1) * D), Math.round((IMAGE_SIDE * scale) / 0.7));
    const side = Math.round((IMAGE_SIDE * scale) / 0.7);
    let l = side, r = -1;
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (big[y * side + x] > 0) { l = Math.min(l, x); r = Math.max(r, x); }
    const top = Math.max(0, Math.floor((H - side) / 2));
    for (let y = 0; y < Math.min(side, H); y++)
      for (let x = l; x <= r && at + x - l < W; x++) {
        const o = (top + y) * W + at + x - l;
        ink[o] = Math.max(ink[o], big[y * side + x]);
      }
    at += r - l + 1 + gap;
  }
  return ink;
}

import { IMAGE_SIDE } from '../../shared/dims';
import type { Rng } from '../../shared/rng';
import { createCanvas, stroke, type Canvas } from './pen';

// mnist digits as a drawing pad draws them: the digit's centre line (zhang-suen thinning of the
// digit blown up 2×) traced again, 4× the digit's size, with a round pen of one width, thin
// stylus to thick finger. the digits people draw on the page look like this, and must not be flagged.

const UP = 2; // thinning resolution
const PAD = 2; // pad pixels per thinning pixel

/** zhang-suen thinning of a binary (height, width) mask, in place, to a one-pixel centre line */
export function thin(mask: Uint8Array, width: number, height: number): void {
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : mask[y * width + x]);
  const remove: number[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const pass of [0, 1]) {
      remove.length = 0;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          if (!mask[y * width + x]) continue;
          // neighbours p2..p9 clockwise from north
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          if (b < 2 || b > 6) continue;
          let a = 0;
          for (let k = 0; k < 8; k++) if (!p[k] && p[(k + 1) % 8]) a++;
          if (a !== 1) continue;
          if (pass === 0 ? p[0] * p[2] * p[4] || p[2] * p[4] * p[6] : p[0] * p[2] * p[6] || p[0] * p[4] * p[6]) continue;
          remove.push(y * width + x);
        }
      for (const i of remove) mask[i] = 0;
      if (remove.length) changed = true;
    }
  }
}

/** the 28×28 digit (0..255) redrawn along its centre line on a 112-pixel pad, pen radius 1.5–7 px */
export function penDigit(pixels: ArrayLike<number>, rng: Rng): Canvas {
  const S = IMAGE_SIDE, W = S * UP;
  // bilinear blow-up, thresholded at half ink
  const mask = new Uint8Array(W * W);
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++) {
      const fx = Math.min(S - 1, Math.max(0, (x + 0.5) / UP - 0.5)), fy = Math.min(S - 1, Math.max(0, (y + 0.5) / UP - 0.5));
      const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(S - 1, x0 + 1), y1 = Math.min(S - 1, y0 + 1);
      const tx = fx - x0, ty = fy - y0;
      const v = (pixels[y0 * S + x0] * (1 - tx) + pixels[y0 * S + x1] * tx) * (1 - ty) + (pixels[y1 * S + x0] * (1 - tx) + pixels[y1 * S + x1] * tx) * ty;
      mask[y * W + x] = v >= 128 ? 1 : 0;
    }
  thin(mask, W, W);
  const c = createCanvas(W * PAD);
  const r = 1.5 + 5.5 * rng.uniform();
  // every centre-line pixel joined to its right and lower neighbours: a connected pen trace
  const at = (v: number) => (v + 0.5) * PAD;
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++) {
      if (!mask[y * W + x]) continue;
      let joined = false;
      for (const [dx, dy] of [[1, 0], [0, 1], [1, 1], [-1, 1]]) {
        if (x + dx < 0 || x + dx >= W || y + dy >= W || !mask[(y + dy) * W + x + dx]) continue;
        stroke(c, at(x), at(y), at(x + dx), at(y + dy), r);
        joined = true;
      }
      if (!joined) stroke(c, at(x), at(y), at(x), at(y), r);
    }
  return c;
}


import { IMAGE_SIDE } from '../../shared/dims';
import type { Rng } from '../../shared/rng';
import { thin } from '../lib/thin';
import { createCanvas, stroke, type Canvas } from './pen';

// mnist digits as a drawing pad draws them: the digit's centre line (zhang-suen thinning of the
// digit blown up 2×) traced again, 4× the digit's size, with a round pen of one width, thin
// stylus to thick finger. the digits people draw on the page look like this, and must not be flagged.

const UP = 2; // thinning resolution
const PAD = 2; // pad pixels per thinning pixel

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


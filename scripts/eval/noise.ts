// smooth random fields for paper texture, uneven light and wobbly pens.
import type { Rng } from '../../shared/rng';

/**
 * value noise: random values on a grid of `cell`-pixel squares, smoothly interpolated;
 * returns (height, width) values in about [-1, 1]
 */
export function valueNoise(width: number, height: number, cell: number, rng: Rng): Float32Array {
  const gw = Math.ceil(width / cell) + 2, gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.uniform() * 2 - 1;
  const out = new Float32Array(width * height);
  const smooth = (t: number) => t * t * (3 - 2 * t);
  for (let y = 0; y < height; y++) {
    const gy = y / cell, y0 = Math.floor(gy), ty = smooth(gy - y0);
    for (let x = 0; x < width; x++) {
      const gx = x / cell, x0 = Math.floor(gx), tx = smooth(gx - x0);
      const a = grid[y0 * gw + x0], b = grid[y0 * gw + x0 + 1];
      const c = grid[(y0 + 1) * gw + x0], d = grid[(y0 + 1) * gw + x0 + 1];
      out[y * width + x] = (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
    }
  }
  return out;
}

/** a uniform draw in [lo, hi) */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** true with probability p */
export function chance(rng: Rng, p: number): boolean {
  return rng.uniform() < p;
}

// fills font glyph outlines into an anti-aliased ink map, for synthetic training digits.
// outlines are svg-style path data (M, L, Q, C, Z with absolute coordinates, y pointing down),
// as opentype.js writes them; filled with the nonzero winding rule that truetype and cff use.
import { parsePath, type Contour } from '../image/svg-path';

export type { Contour };

const CURVE_STEPS = 8; // line segments per bezier: plenty at the 30-60 px a digit is drawn at

/** a glyph's outline flattened for filling at training size */
export const parseGlyph = (d: string): Contour[] => parsePath(d, CURVE_STEPS);

/** the bounding box of contours: [left, top, right, bottom] */
export function contourBounds(contours: Contour[]): [number, number, number, number] {
  let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
  for (const c of contours) {
    for (let k = 0; k < c.length; k += 2) {
      l = Math.min(l, c[k]);
      r = Math.max(r, c[k]);
      t = Math.min(t, c[k + 1]);
      b = Math.max(b, c[k + 1]);
    }
  }
  return [l, t, r, b];
}

/** new contours with every point mapped through (x, y) -> (m0 x + m1 y + m2, m3 x + m4 y + m5) */
export function transformContours(contours: Contour[], m: ArrayLike<number>): Contour[] {
  return contours.map((c) => {
    const out = new Float64Array(c.length);
    for (let k = 0; k < c.length; k += 2) {
      out[k] = m[0] * c[k] + m[1] * c[k + 1] + m[2];
      out[k + 1] = m[3] * c[k] + m[4] * c[k + 1] + m[5];
    }
    return out;
  });
}

const SUB_ROWS = 5; // scanlines per pixel row; coverage along a scanline is exact

/**
 * (height, width) coverage in [0, 1] of the contours (pixel coordinates, pixel (x, y) spanning
 * [x, x + 1) × [y, y + 1)), nonzero winding.
 */
export function fillContours(contours: Contour[], width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  // non-horizontal edges as (top y, bottom y, x at top, dx/dy, direction), sorted by top y
  let total = 0;
  for (const c of contours) total += c.length / 2;
  const edges = new Float64Array(5 * total);
  let count = 0;
  for (const c of contours) {
    const n = c.length / 2;
    for (let p = 0; p < n; p++) {
      const q = (p + 1) % n;
      const x0 = c[2 * p], y0 = c[2 * p + 1], x1 = c[2 * q], y1 = c[2 * q + 1];
      if (y0 === y1) continue;
      const down = y1 > y0;
      const e = 5 * count++;
      edges[e] = down ? y0 : y1;
      edges[e + 1] = down ? y1 : y0;
      edges[e + 2] = down ? x0 : x1;
      edges[e + 3] = (x1 - x0) / (y1 - y0);
      edges[e + 4] = down ? 1 : -1;
    }
  }
  const byTop = Array.from({ length: count }, (_, k) => k).sort((a, b) => edges[5 * a] - edges[5 * b]);
  const active: number[] = [];
  const xs = new Float64Array(count);
  const dirs = new Int8Array(count);
  let next = 0;
  for (let row = 0; row < height; row++) {
    for (let k = 0; k < SUB_ROWS; k++) {
      const sy = row + (k + 0.5) / SUB_ROWS;
      while (next < count && edges[5 * byTop[next]] <= sy) active.push(5 * byTop[next++]);
      // crossings of this scanline, kept sorted by insertion (a digit has a handful)
      let n = 0;
      for (let a = active.length - 1; a >= 0; a--) {
        const e = active[a];
        if (edges[e + 1] <= sy) {
          active[a] = active[active.length - 1];
          active.pop();
          continue;
        }
        const x = edges[e + 2] + (sy - edges[e]) * edges[e + 3];
        const d = edges[e + 4];
        let j = n++;
        while (j > 0 && xs[j - 1] > x) {
          xs[j] = xs[j - 1];
          dirs[j] = dirs[j - 1];
          j--;
        }
        xs[j] = x;
        dirs[j] = d;
      }
      let winding = 0;
      for (let j = 0; j + 1 < n; j++) {
        winding += dirs[j];
        if (winding !== 0) addSpan(out, row * width, width, xs[j], xs[j + 1], 1 / SUB_ROWS);
      }
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] > 1) out[i] = 1;
  return out;
}

/** adds weight × (covered fraction of each pixel) for the span [a, b) of one row */
function addSpan(out: Float32Array, rowStart: number, width: number, a: number, b: number, weight: number): void {
  const lo = Math.max(0, a);
  const hi = Math.min(width, b);
  if (hi <= lo) return;
  const first = Math.floor(lo);
  const last = Math.min(width - 1, Math.ceil(hi) - 1);
  if (first === last) {
    out[rowStart + first] += (hi - lo) * weight;
    return;
  }
  out[rowStart + first] += (first + 1 - lo) * weight;
  for (let x = first + 1; x < last; x++) out[rowStart + x] += weight;
  out[rowStart + last] += (hi - last) * weight;
}

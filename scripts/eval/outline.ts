// glyph outlines as svg path data (M, L, Q, C, Z in absolute coordinates, y down, as opentype.js
// writes them) flattened into polygons, and an anti-aliased nonzero-winding filler for them at any size.
import { parsePath } from '../../shared/image/svg-path';
import { createRaster, type Raster } from './raster';

/** closed polygons as flat [x0, y0, x1, y1, …] lists */
export type Polygons = ArrayLike<number>[];

/** line pieces per curve: plenty for glyphs drawn a few hundred pixels tall */
const CURVE_STEPS = 12;

/** the glyph reader the trainer's font digits use (shared/image/svg-path.ts), finer: these glyphs are drawn larger */
export const flattenPath = (d: string): Polygons => parsePath(d, CURVE_STEPS);

/** applies (x, y) -> (a x + c y + e, b x + d y + f) to every point */
export function transformPolygons(polys: Polygons, [a, b, c, d, e, f]: readonly number[]): Polygons {
  return polys.map((p) => {
    const out = new Array<number>(p.length);
    for (let k = 0; k < p.length; k += 2) {
      out[k] = a * p[k] + c * p[k + 1] + e;
      out[k + 1] = b * p[k] + d * p[k + 1] + f;
    }
    return out;
  });
}

/** sub-scanlines per pixel row; horizontal coverage is exact */
const SUBROWS = 5;

/** fills polygons (nonzero winding) into a new width x height coverage raster, anti-aliased */
export function fillPolygons(polys: Polygons, width: number, height: number): Raster {
  const out = createRaster(width, height);
  const rows = height * SUBROWS;
  // each edge drops its crossings into the sub-scanlines it spans: work in proportion to the edges' heights
  const crossings: number[][] = Array.from({ length: rows }, () => []); // per sub-scanline: x, direction, x, direction, …
  for (const p of polys)
    for (let k = 0; k < p.length; k += 2) {
      const x0 = p[k], y0 = p[k + 1];
      const x1 = p[(k + 2) % p.length], y1 = p[(k + 3) % p.length];
      if (y0 === y1) continue;
      const dir = y1 > y0 ? 1 : -1;
      const top = Math.min(y0, y1), bottom = Math.max(y0, y1);
      // sub-scanline r samples y = (r + 0.5) / SUBROWS; take those with top <= y < bottom
      const first = Math.max(0, Math.ceil(top * SUBROWS - 0.5)), last = Math.min(rows - 1, Math.ceil(bottom * SUBROWS - 0.5) - 1);
      for (let r = first; r <= last; r++) {
        const sy = (r + 0.5) / SUBROWS;
        crossings[r].push(x0 + ((sy - y0) / (y1 - y0)) * (x1 - x0), dir);
      }
    }
  const order: number[] = [];
  for (let r = 0; r < rows; r++) {
    const hits = crossings[r];
    if (hits.length === 0) continue;
    order.length = 0;
    for (let h = 0; h < hits.length; h += 2) order.push(h);
    order.sort((a, b) => hits[a] - hits[b]);
    let winding = 0;
    let start = 0;
    for (const h of order) {
      const before = winding;
      winding += hits[h + 1];
      if (before === 0 && winding !== 0) start = hits[h];
      else if (before !== 0 && winding === 0) addSpan(out, Math.floor(r / SUBROWS), start, hits[h]);
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(1, out.data[i]);
  return out;
}

function addSpan(r: Raster, row: number, x0: number, x1: number): void {
  x0 = Math.max(0, x0);
  x1 = Math.min(r.width, x1);
  for (let x = Math.floor(x0); x < x1; x++) {
    const cover = Math.min(x1, x + 1) - Math.max(x0, x);
    if (cover > 0) r.data[row * r.width + x] += cover / SUBROWS;
  }
}

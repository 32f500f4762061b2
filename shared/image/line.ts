import { IMAGE_SIDE } from '../dims';
import type { Labels } from './segment';

// a line of writing as the line reader (shared/model/line-reader.ts) sees it: some marks of an ink
// map, straightened (a photo taken askew tilts the whole line) and scaled to LINE_ROWS rows.

/** rows of a line once scaled: an mnist digit's side, so a window holds about one digit and its neighbours' edges */
export const LINE_ROWS = IMAGE_SIDE;
/** the most a line is straightened: a slope of 0.15 is ~8.5°, beyond what askew photos of a line show */
const MAX_SLOPE = 0.15;

export interface LineImage {
  /** (LINE_ROWS, width) ink 0..255 */
  pixels: Float32Array;
  width: number;
  /** ink-map columns per line column, and the ink-map column of line column 0: where a reading lies */
  scale: number;
  left: number;
}

/**
 * the marks `ids` of a labelled ink map as one line: each column shifted by the slope of the ink's
 * column centroids (least squares, weighted by ink), then the box of their ink area-averaged to
 * LINE_ROWS rows, keeping its proportions.
 */
export function lineImage(ink: Float32Array, labels: Labels, ids: readonly number[]): LineImage {
  const { width } = labels;
  const mine = new Uint8Array(labels.marks.length + 1);
  let left = Infinity, right = -1, top = Infinity, bottom = -1;
  for (const id of ids) {
    const m = labels.marks[id - 1];
    mine[id] = 1;
    left = Math.min(left, m.left);
    right = Math.max(right, m.right);
    top = Math.min(top, m.top);
    bottom = Math.max(bottom, m.bottom);
  }
  // the slope of the column centroids
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let x = left; x <= right; x++) {
    let mass = 0, moment = 0;
    for (let y = top; y <= bottom; y++) {
      const p = y * width + x;
      if (mine[labels.label[p]]) {
        mass += ink[p];
        moment += ink[p] * y;
      }
    }
    if (mass <= 0) continue;
    const cy = moment / mass;
    sw += mass;
    sx += mass * x;
    sy += mass * cy;
    sxx += mass * x * x;
    sxy += mass * x * cy;
  }
  const det = sxx * sw - sx * sx;
  const slope = det > 0 ? Math.max(-MAX_SLOPE, Math.min(MAX_SLOPE, (sxy * sw - sx * sy) / det)) : 0;
  const mid = sw > 0 ? sx / sw : (left + right) / 2;
  // the straightened ink of the marks, in a (rows, columns) box of their own
  const shiftOf = (x: number) => Math.round(slope * (x - mid));
  let lo = Infinity, hi = -Infinity;
  for (let x = left; x <= right; x++) {
    lo = Math.min(lo, top - shiftOf(x));
    hi = Math.max(hi, bottom - shiftOf(x));
  }
  const w = right - left + 1, h = hi - lo + 1;
  const straight = new Float32Array(w * h);
  let inkTop = h, inkBottom = -1;
  for (let x = left; x <= right; x++) {
    const dy = shiftOf(x);
    for (let y = top; y <= bottom; y++) {
      const p = y * width + x;
      if (!mine[labels.label[p]] || ink[p] <= 0) continue;
      const yy = y - dy - lo;
      straight[yy * w + x - left] = ink[p];
      if (yy < inkTop) inkTop = yy;
      if (yy > inkBottom) inkBottom = yy;
    }
  }
  if (inkBottom < 0) return { pixels: new Float32Array(LINE_ROWS), width: 1, scale: 1, left };
  return { ...scaleRows(straight, w, inkTop, inkBottom - inkTop + 1), left };
}

/** rows [top, top + rows) of an image `w` wide, area-averaged (or bilinearly enlarged) to LINE_ROWS rows */
function scaleRows(img: Float32Array, w: number, top: number, rows: number): Omit<LineImage, 'left'> {
  const s = LINE_ROWS / rows; // line pixels per source pixel
  const W = Math.max(1, Math.round(w * s));
  const pixels = new Float32Array(LINE_ROWS * W);
  for (let y = 0; y < LINE_ROWS; y++) {
    const y0 = y / s, y1 = (y + 1) / s;
    for (let x = 0; x < W; x++) {
      const x0 = x / s, x1 = (x + 1) / s;
      let sum = 0, area = 0;
      for (let sy = Math.floor(y0); sy < y1 && sy < rows; sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        const row = (top + sy) * w;
        for (let sx = Math.floor(x0); sx < x1 && sx < w; sx++) {
          const wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
          sum += img[row + sx] * wx * wy;
          area += wx * wy;
        }
      }
      pixels[y * W + x] = area > 0 ? sum / area : 0;
    }
  }
  return { pixels, width: W, scale: 1 / s };
}

// clean-up of an input before it is cropped and fitted. photos bring light that falls off across
// the sheet and specks (dust, paper grain, compression blocks) that survive the noise floor; either
// can stretch the crop far beyond the digit and shrink it to a few pixels. shared by the Worker,
// the browser and the trainer, so training images and real inputs are cleaned the same way.
// deskew, last, straightens a fitted 28x28 digit when the model asks (shared/model/input.ts).

import { PIXEL_MAX } from '../dims';
import type { DecodedImage } from './decoded';
import { centreOfMass } from './moments';

/** components lighter than this fraction of the heaviest one's ink are dropped as specks */
export const SPECK_FRACTION = 0.08;

/**
 * zeroes every 8-connected ink component (ink > 0) whose summed ink is below `fraction` of the
 * heaviest component's. the digit itself is the heaviest component, and strokes that a thin pen
 * broke into pieces usually weigh more than that fraction, so they stay. in place; returns how
 * many components were dropped.
 */
export function dropSpecks(ink: Float32Array, width: number, height: number, fraction = SPECK_FRACTION): number {
  const n = width * height;
  if (ink.length !== n) throw new RangeError(`dropSpecks: ${ink.length} values do not make a ${width}x${height} image`);
  const label = new Int32Array(n); // 0 = not yet visited; component k is labelled k + 1
  const stack = new Int32Array(n);
  const masses: number[] = [];
  for (let start = 0; start < n; start++) {
    if (ink[start] <= 0 || label[start] !== 0) continue;
    const id = masses.length + 1;
    let mass = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top > 0) {
      const p = stack[--top];
      mass += ink[p];
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (ink[q] > 0 && label[q] === 0) {
            label[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    masses.push(mass);
  }
  if (masses.length <= 1) return 0;
  let heaviest = 0;
  for (const m of masses) heaviest = Math.max(heaviest, m);
  const cut = fraction * heaviest;
  let dropped = 0;
  const drop = new Uint8Array(masses.length + 1);
  masses.forEach((m, k) => {
    if (m < cut) {
      drop[k + 1] = 1;
      dropped++;
    }
  });
  if (dropped > 0) for (let p = 0; p < n; p++) if (drop[label[p]]) ink[p] = 0;
  return dropped;
}

/** cells per side of the grid on which the paper's brightness is sampled */
const LIGHT_GRID = 6;
/** a lighting plane that varies less than this across the image (luminance levels) is left alone */
const MIN_FALLOFF = 6;

/**
 * evens out light that falls off across a photo (a lamp to one side, a shadow): fits a plane
 * a + b x + c y to the paper's brightness, the median of each cell of a coarse grid (paper
 * outweighs ink in almost every cell), refitted without the cells that stray most (where ink is
 * dense), and divides every pixel by the plane, relative to its mean: light scales ink and paper alike.
 * images with alpha (drawings on a transparent canvas) and evenly lit ones come back as they are.
 */
export function flattenLighting(img: DecodedImage): DecodedImage {
  const { width, height, gray, alpha } = img;
  if (alpha || width < 2 * LIGHT_GRID || height < 2 * LIGHT_GRID) return img;
  const cells: { x: number; y: number; v: number }[] = [];
  const histogram = new Uint32Array(PIXEL_MAX + 1);
  for (let gy = 0; gy < LIGHT_GRID; gy++) {
    const y0 = Math.floor((gy * height) / LIGHT_GRID), y1 = Math.floor(((gy + 1) * height) / LIGHT_GRID);
    for (let gx = 0; gx < LIGHT_GRID; gx++) {
      const x0 = Math.floor((gx * width) / LIGHT_GRID), x1 = Math.floor(((gx + 1) * width) / LIGHT_GRID);
      // every pixel of small cells, a strided sample of big ones; the median from a histogram
      const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 400)));
      histogram.fill(0);
      let count = 0;
      for (let y = y0; y < y1; y += step) {
        for (let x = x0; x < x1; x += step) {
          const v = gray[y * width + x];
          // Math.round as an integer ((v + 0.5) | 0 on 0..255; NaN has no bin): a Math.round result as the index was slow
          if (v === v) histogram[v < 0 ? 0 : v > PIXEL_MAX ? PIXEL_MAX : (v + 0.5) | 0]++;
          count++;
        }
      }
      let seen = 0, median = 0;
      while (median < PIXEL_MAX && (seen += histogram[median]) * 2 < count) median++;
      cells.push({ x: (x0 + x1 - 1) / 2, y: (y0 + y1 - 1) / 2, v: median });
    }
  }
  let plane = fitPlane(cells);
  // drop the quarter of cells farthest from the first fit (dense ink, a stray object), refit
  const residual = cells.map((c) => Math.abs(c.v - (plane[0] + plane[1] * c.x + plane[2] * c.y)));
  const keep = [...residual].sort((a, b) => a - b)[Math.floor(0.75 * (cells.length - 1))];
  plane = fitPlane(cells.filter((_, k) => residual[k] <= keep));
  const [a, b, c] = plane;
  const falloff = Math.abs(b) * (width - 1) + Math.abs(c) * (height - 1);
  if (!(falloff >= MIN_FALLOFF)) return img;
  // light multiplies what the sheet reflects, ink and paper alike: divide by the plane, relative to its mean
  const mean = a + (b * (width - 1)) / 2 + (c * (height - 1)) / 2;
  const flat = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const lit = Math.max(8, a + b * x + c * y);
      const v = (gray[y * width + x] * mean) / lit;
      flat[y * width + x] = v < 0 ? 0 : v > PIXEL_MAX ? PIXEL_MAX : v;
    }
  }
  return { width, height, gray: flat, alpha: null };
}

/** least-squares [a, b, c] of v ≈ a + b x + c y */
function fitPlane(points: { x: number; y: number; v: number }[]): [number, number, number] {
  const n = points.length;
  let sx = 0, sy = 0, sv = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
    sv += p.v;
  }
  const mx = sx / n, my = sy / n, mv = sv / n;
  let xx = 0, xy = 0, yy = 0, xv = 0, yv = 0;
  for (const p of points) {
    const dx = p.x - mx, dy = p.y - my, dv = p.v - mv;
    xx += dx * dx;
    xy += dx * dy;
    yy += dy * dy;
    xv += dx * dv;
    yv += dy * dv;
  }
  const det = xx * yy - xy * xy;
  if (Math.abs(det) < 1e-9) return [mv, 0, 0];
  const b = (xv * yy - yv * xy) / det;
  const c = (yv * xx - xv * xy) / det;
  return [mv - b * mx - c * my, b, c];
}

/** slants steeper than this (horizontal pixels per row) are straightened only this far */
export const MAX_SKEW = 0.8;

/**
 * straightens a slanted digit the way deskewed-MNIST experiments do: measures the slant from the
 * ink's second moments (horizontal drift per row, cov(x, y) / var(y)) and shears each row back by
 * it, about the centre of mass, so the centre stays put. an upright digit comes back unchanged.
 * reads `img` (side × side, any non-negative scale), writes `out` (same size, must differ).
 */
export function deskew(out: Float32Array, img: Float32Array, side: number): void {
  const n = side * side;
  if (img.length !== n || out.length !== n) throw new RangeError(`deskew: images must have ${n} values`);
  // an inkless image has no second moments: its skew is 0 and it comes back as it is
  const { x: cx, y: cy } = centreOfMass(img, side, side);
  let xy = 0, yy = 0;
  for (let y = 0; y < side; y++) {
    const dy = y - cy;
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x];
      xy += v * (x - cx) * dy;
      yy += v * dy * dy;
    }
  }
  const skew = yy > 0 ? Math.max(-MAX_SKEW, Math.min(MAX_SKEW, xy / yy)) : 0;
  for (let y = 0; y < side; y++) {
    // output x reads the row at x + shift: one fractional shift per row, zero beyond the edges
    const shift = skew * (y - cy);
    const whole = Math.floor(shift);
    const f = shift - whole;
    const row = y * side;
    for (let x = 0; x < side; x++) {
      const s = x + whole;
      const a = s >= 0 && s < side ? img[row + s] : 0;
      const b = s + 1 >= 0 && s + 1 < side ? img[row + s + 1] : 0;
      out[row + x] = a + f * (b - a);
    }
  }
}

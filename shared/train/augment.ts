// on-the-fly augmentation of one 28x28 training image: a random affine map
// (shift, rotation, scale, shear about the centre) plus simard et al. (2003)
// elastic distortion, sampled in one bilinear pass, then an optional random
// 1-step thickening/thinning of the strokes.
//
// coordinates: x = column, y = row (pointing down), pixel centres at integers,
// image centre at (IMAGE_SIDE - 1) / 2 = 13.5. sampling outside the image reads 0.

import { D, IMAGE_SIDE } from '../dims';
import type { Rng } from '../rng';
import { morphStep } from './morph';

const SIDE = IMAGE_SIDE; // pixels per row and per column
const LAST = SIDE - 1;
const CENTRE = LAST / 2;
const DEG = Math.PI / 180;
// maps a 16-bit integer + 0.5 to the open interval (-1, 1), symmetric about 0
const U16_TO_SIGNED = 2 / 65536;

export interface AugmentOptions {
  /** max shift in pixels per axis; drawn uniformly (sub-pixel) in [-maxShift, maxShift] */
  maxShift: number;
  /** max rotation in degrees; drawn uniformly in [-maxRotateDeg, maxRotateDeg] */
  maxRotateDeg: number;
  /** isotropic scale drawn uniformly in [1 - scaleRange, 1 + scaleRange] */
  scaleRange: number;
  /** max horizontal shear (x += shear * y about the centre), drawn in [-shear, shear] */
  shear?: number;
  /** elastic displacement strength in pixels per unit smoothed noise; 0 = off */
  elasticAlpha: number;
  /** gaussian sigma (pixels) smoothing the elastic displacement field; must be > 0 when alpha > 0 */
  elasticSigma: number;
  /** probability of a random 1-step grayscale dilation or erosion (half each); 0 = off */
  strokeJitter?: number;
  /**
   * the elastic field is smoothed on a grid of elasticBlock x elasticBlock pixel
   * blocks (1, 2, 4 or 7) and interpolated back; 1 = per pixel, exact and slowest.
   * default: the largest of those no bigger than sigma / 2 (2 for sigma 4).
   */
  elasticBlock?: number;
}

/**
 * defaults for mnist, checked by eye on artifacts/augment-preview.png:
 * - shift ±2 px, rotation ±12°, scale ±10%, shear ±0.15: the usual spread of
 *   position, slant and size between writers; digits keep a 4 px margin mostly clear.
 * - elastic alpha 24, sigma 4: simard's sigma; alpha below their 34 because the
 *   affine part already moves things (34 alone is ~1.4 px rms displacement, 24 ~1 px).
 * - strokeJitter 0.3: canvas drawings are often thicker or thinner than mnist strokes;
 *   applied to 30% of images, half thickened and half thinned.
 */
export const DEFAULT_AUGMENT: AugmentOptions = {
  maxShift: 2,
  maxRotateDeg: 12,
  scaleRange: 0.1,
  shear: 0.15,
  elasticAlpha: 24,
  elasticSigma: 4,
  strokeJitter: 0.3,
};

/** an explicit forward transform, applied about the image centre: shear, then scale, then rotate, then shift */
export interface AffineParams {
  /** +x moves the content right, in pixels */
  shiftX: number;
  /** +y moves the content down, in pixels */
  shiftY: number;
  /** positive turns the content counter-clockwise as displayed */
  rotateDeg: number;
  /** > 1 enlarges the content */
  scale: number;
  /** x += shear * (y - centre) */
  shear: number;
}

/**
 * fills m with the inverse map (output pixel -> source position):
 * src = (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]).
 */
export function inverseAffine(m: Float64Array, p: AffineParams): void {
  const c = Math.cos(p.rotateDeg * DEG);
  const s = Math.sin(p.rotateDeg * DEG);
  const inv = 1 / p.scale;
  // forward is R(θ)·scale·Shear with R = [c s; -s c] (y points down); invert each factor
  const a = (c - p.shear * s) * inv;
  const b = (-s - p.shear * c) * inv;
  const e = s * inv;
  const f = c * inv;
  const ox = CENTRE + p.shiftX;
  const oy = CENTRE + p.shiftY;
  m[0] = a;
  m[1] = b;
  m[2] = CENTRE - a * ox - b * oy;
  m[3] = e;
  m[4] = f;
  m[5] = CENTRE - e * ox - f * oy;
}

/** out = inp warped by the affine params (bilinear, zero outside, clamped). allocates a little; for tests and tools */
export function warpAffine(out: Float32Array, inp: Float32Array, params: AffineParams): void {
  checkBuffers(out, inp);
  const m = new Float64Array(6);
  inverseAffine(m, params);
  sample(out, inp, m, zeroField());
}

function checkBuffers(out: Float32Array, inp: Float32Array): void {
  if (out.length !== D || inp.length !== D) throw new RangeError(`augment: images must have ${D} values`);
  // the sampler reads inp at arbitrary positions after writing out, so they must not overlap
  if (
    out.buffer === inp.buffer &&
    out.byteOffset < inp.byteOffset + inp.byteLength &&
    inp.byteOffset < out.byteOffset + out.byteLength
  ) {
    throw new RangeError('augment: out and inp must not overlap');
  }
}

/**
 * elastic displacement field: per-pixel uniform(-1, 1) noise for dx and dy,
 * summed over block x block squares, gaussian-smoothed on that block grid
 * (separable, normalised kernel, zero beyond the border), times alpha; the
 * sampler interpolates it bilinearly from block centres to pixels. block 1 is
 * simard's per-pixel smoothing. block 2 does ~7x less smoothing work and, at sigma 4, its
 * fields match block 1's rms displacement and rms gradient within 5% (the field
 * barely changes over 2 px); the test file checks that.
 */
interface ElasticField {
  /** grid side, in blocks */
  n: number;
  /** smoothed field at block centres, interleaved (dx, dy), row-major n x n, already times alpha */
  grid: Float64Array;
  /** per pixel coordinate: grid index at or before it, and the weight of the next one */
  seg: Int32Array;
  segW: Float64Array;
  /** the grid interpolated to the current output row, interleaved (dx, dy) */
  row: Float64Array;
}

/** a field that displaces nothing, for when elastic distortion is off */
function zeroField(): ElasticField {
  const n = 2;
  const grid = new Float64Array(2 * n * n);
  return { n, grid, seg: new Int32Array(SIDE), segW: new Float64Array(SIDE), row: new Float64Array(2 * n) };
}

const BLOCKS = [1, 2, 4, 7]; // divisors of IMAGE_SIDE

/** the largest block no bigger than sigma / 2, so the grid still resolves the field */
function defaultBlock(sigma: number): number {
  let best = 1;
  for (const b of BLOCKS) if (b <= sigma / 2) best = b;
  return best;
}

function createElasticField(alpha: number, sigma: number, block: number) {
  const n = SIDE / block;
  const radius = Math.min(n - 1, Math.ceil((3 * sigma) / block));
  // the pixel-scale gaussian sampled every `block` pixels, summing to 1 / block so that
  // on block sums it weighs each pixel like the per-pixel normalised kernel would
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    total += kernel[k + radius] = Math.exp(-((k * block) ** 2) / (2 * sigma * sigma));
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= total * block;
  const padded = new Float64Array(kernel.length + 2);
  padded.set(kernel, 1);

  const blockOf = new Int32Array(SIDE);
  const seg = new Int32Array(SIDE);
  const segW = new Float64Array(SIDE);
  for (let x = 0; x < SIDE; x++) {
    blockOf[x] = Math.floor(x / block);
    // position in grid units (block centres at integers); clamped, so edges extend flat
    const u = (x - (block - 1) / 2) / block;
    const j = Math.min(Math.max(Math.floor(u), 0), n - 2);
    seg[x] = j;
    segW[x] = Math.min(Math.max(u - j, 0), 1);
  }

  const sums = new Float64Array(2 * n * n); // noise summed per block, interleaved (dx, dy)
  const rows = new Float64Array(2 * n * n); // after the horizontal pass
  const field: ElasticField = { n, grid: new Float64Array(2 * n * n), seg, segW, row: new Float64Array(2 * n) };

  const fill = (rng: Rng): void => {
    sums.fill(0);
    // one draw per pixel, row-major, split into 16-bit uniforms for dx (high) and
    // dy (low): rng calls dominate, and 16 bits is far finer than the smoothing shows
    for (let y = 0; y < SIDE; y++) {
      const base = 2 * n * blockOf[y];
      for (let x = 0; x < SIDE; x++) {
        const u = rng.nextUint32();
        const o = base + 2 * blockOf[x];
        sums[o] += ((u >>> 16) + 0.5) * U16_TO_SIGNED - 1;
        sums[o + 1] += ((u & 0xffff) + 0.5) * U16_TO_SIGNED - 1;
      }
    }
    smooth(rows, sums, n, padded, 1, 1);
    smooth(field.grid, rows, n, padded, n, alpha);
  };

  return { field, fill };
}

/**
 * out = scale * (kernel convolved along one axis of an n x n interleaved (dx, dy)
 * grid), zero beyond the edges; stride 1 runs along x, stride n along y.
 * padded is the kernel with a zero at each end, which lets one loop compute two
 * neighbouring outputs: four independent sums run ~20% faster than two.
 */
function smooth(
  out: Float64Array,
  inp: Float64Array,
  n: number,
  padded: Float64Array,
  stride: number,
  scale: number,
): void {
  const radius = (padded.length - 3) >> 1;
  const across = stride === 1 ? n : 1;
  const step = 2 * stride;
  for (let a = 0; a < n; a++) {
    const line = 2 * a * across;
    for (let c = 0; c < n; c += 2) {
      const lo = c - radius < 0 ? 0 : c - radius;
      const hi = c + 1 + radius > n - 1 ? n - 1 : c + 1 + radius;
      // sums for output c (padded[k]) and c + 1 (padded[k - 1])
      let cx = 0;
      let cy = 0;
      let nx = 0;
      let ny = 0;
      for (let t = lo, k = lo - c + radius + 1, i = line + lo * step; t <= hi; t++, k++, i += step) {
        const vx = inp[i];
        const vy = inp[i + 1];
        const wc = padded[k];
        const wn = padded[k - 1];
        cx += wc * vx;
        cy += wc * vy;
        nx += wn * vx;
        ny += wn * vy;
      }
      const o = line + c * step;
      out[o] = scale * cx;
      out[o + 1] = scale * cy;
      if (c + 1 < n) {
        out[o + step] = scale * nx;
        out[o + step + 1] = scale * ny;
      }
    }
  }
}

/** bilinear read of inp at (sx, sy) where some neighbours may lie outside (they read 0) */
function bilinearEdge(inp: Float32Array, sx: number, sy: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  if (x0 < -1 || y0 < -1 || x0 > LAST || y0 > LAST) return 0;
  const fx = sx - x0;
  const fy = sy - y0;
  const x0in = x0 >= 0;
  const x1in = x0 < LAST;
  const y0in = y0 >= 0;
  const y1in = y0 < LAST;
  const i = y0 * SIDE + x0;
  const p00 = x0in && y0in ? inp[i] : 0;
  const p10 = x1in && y0in ? inp[i + 1] : 0;
  const p01 = x0in && y1in ? inp[i + SIDE] : 0;
  const p11 = x1in && y1in ? inp[i + SIDE + 1] : 0;
  const top = p00 + fx * (p10 - p00);
  const bottom = p01 + fx * (p11 - p01);
  return top + fy * (bottom - top);
}

/** out[y, x] = inp bilinearly read at m·(x, y) + field(x, y), clamped to [0, 1] */
function sample(out: Float32Array, inp: Float32Array, m: Float64Array, field: ElasticField): void {
  const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5];
  const { n, grid, seg, segW, row } = field;
  for (let y = 0; y < SIDE; y++) {
    const bx = m1 * y + m2;
    const by = m4 * y + m5;
    // interpolate the field grid to this row once, then along x per pixel
    const gi = 2 * n * seg[y];
    const wy = segW[y];
    for (let j = 0; j < 2 * n; j++) row[j] = grid[gi + j] + wy * (grid[gi + 2 * n + j] - grid[gi + j]);
    for (let x = 0, p = y * SIDE; x < SIDE; x++, p++) {
      const j = 2 * seg[x];
      const wx = segW[x];
      const sx = m0 * x + bx + row[j] + wx * (row[j + 2] - row[j]);
      const sy = m3 * x + by + row[j + 1] + wx * (row[j + 3] - row[j + 1]);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      let v: number;
      if (x0 >= 0 && y0 >= 0 && x0 < LAST && y0 < LAST) {
        const fx = sx - x0;
        const i = y0 * SIDE + x0;
        // a + f (b - a) returns a exactly when f = 0, so the identity warp is exact
        const top = inp[i] + fx * (inp[i + 1] - inp[i]);
        const bottom = inp[i + SIDE] + fx * (inp[i + SIDE + 1] - inp[i + SIDE]);
        v = top + (sy - y0) * (bottom - top);
      } else {
        v = bilinearEdge(inp, sx, sy);
      }
      out[p] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

// a full cross max/min changes stroke width by 2 px, which looked blotchy (dilate)
// or tore thin strokes (erode); going halfway is about one pixel
const MORPH_AMOUNT = 0.5;

function check(name: string, v: number, ok: boolean): void {
  if (!Number.isFinite(v) || !ok) throw new RangeError(`augment: bad ${name}: ${v}`);
}

/**
 * returns augment(out, inp, rng): out = a random distortion of inp (both D long,
 * values in [0, 1], must not overlap). all scratch is allocated here; the returned
 * function does not allocate. rng draws, in order: 5 uniforms (shift x, shift y,
 * rotation, scale, shear), then 2 uniforms if strokeJitter > 0 (whether, which),
 * then D uint32s if elasticAlpha > 0. same seed and options -> same bytes.
 */
export function createAugmenter(options: AugmentOptions): (out: Float32Array, inp: Float32Array, rng: Rng) => void {
  const { maxShift, maxRotateDeg, scaleRange, elasticAlpha, elasticSigma } = options;
  const shear = options.shear ?? 0;
  const jitter = options.strokeJitter ?? 0;
  check('maxShift', maxShift, maxShift >= 0);
  check('maxRotateDeg', maxRotateDeg, maxRotateDeg >= 0);
  check('scaleRange', scaleRange, scaleRange >= 0 && scaleRange < 1);
  check('shear', shear, shear >= 0);
  check('strokeJitter', jitter, jitter >= 0 && jitter <= 1);
  check('elasticAlpha', elasticAlpha, elasticAlpha >= 0);
  check('elasticSigma', elasticSigma, elasticAlpha === 0 || elasticSigma > 0);
  const block = options.elasticBlock ?? defaultBlock(elasticSigma);
  check('elasticBlock', block, BLOCKS.includes(block));

  const m = new Float64Array(6);
  const params: AffineParams = { shiftX: 0, shiftY: 0, rotateDeg: 0, scale: 1, shear: 0 };
  const elastic = elasticAlpha > 0 ? createElasticField(elasticAlpha, elasticSigma, block) : null;
  const field = elastic ? elastic.field : zeroField();
  const scratch = new Float32Array(D);

  return (out, inp, rng) => {
    checkBuffers(out, inp);
    params.shiftX = (2 * rng.uniform() - 1) * maxShift;
    params.shiftY = (2 * rng.uniform() - 1) * maxShift;
    params.rotateDeg = (2 * rng.uniform() - 1) * maxRotateDeg;
    params.scale = 1 + (2 * rng.uniform() - 1) * scaleRange;
    params.shear = (2 * rng.uniform() - 1) * shear;
    let morphing = false;
    let dilate = false;
    if (jitter > 0) {
      morphing = rng.uniform() < jitter;
      dilate = rng.uniform() < 0.5;
    }
    if (elastic) elastic.fill(rng);
    inverseAffine(m, params);
    if (!morphing) {
      sample(out, inp, m, field);
      return;
    }
    sample(scratch, inp, m, field);
    morphStep(out, scratch, SIDE, SIDE, dilate, MORPH_AMOUNT);
  };
}

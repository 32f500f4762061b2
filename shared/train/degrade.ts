// degradations that real inputs bring and mnist lacks, applied to a 28x28 training image after
// the geometric augmentation: pens thicker or thinner than mnist's, blur, low resolution blown up
// again, ink that is faint or saturated, specks and sensor noise that survive the preprocessing's
// noise floor. each fires with its own probability; the image is then reduced again by the
// project's own preprocessing (crop to the ink, fit 20x20, centre of mass), as a real input is.
//
// images are 784 values in [0, 1], ink bright on black.

import { D, IMAGE_SIDE, PIXEL_MAX } from '../dims';
import { dropSpecks } from '../image/normalize';
import { toMnist } from '../image/preprocess';
import type { Rng } from '../rng';
import { morphBy } from './morph';
import { DEFAULT_PHOTO, photoRoundTrip, type PhotoOptions } from './photo';

const S = IMAGE_SIDE;

export interface DegradeOptions {
  /** probability of a pen-width change, and its range in morph steps (< 0 thinner, > 0 thicker) */
  penWidth: number;
  minPenSteps: number;
  maxPenSteps: number;
  /** probability of a blur, its amount uniform in [0.3, maxBlur] binomial passes (one pass: sigma 0.71 px) */
  blur: number;
  maxBlur: number;
  /** probability of a low-resolution round trip: area-averaged down to a side in [minSide, 20), bilinear back up */
  lowRes: number;
  minSide: number;
  /** probability of an ink-response change: v -> v^gamma, gamma log-uniform in [1 / maxGamma, maxGamma] */
  gamma: number;
  maxGamma: number;
  /** probability of additive noise: zero-mean, sd uniform in [0, maxNoise] (triangular: the sum of two uniforms), plus a few specks */
  noise: number;
  maxNoise: number;
  /** the preprocessing's noise floor, as a fraction of the strongest ink (shared/image/preprocess.ts uses 0.15) */
  noiseFloor: number;
  /** probability that, after the pen width, the digit is photographed on paper and read back through preprocessImage instead (shared/train/photo.ts) */
  photo: number;
  photoOptions: PhotoOptions;
}

/** checked by eye on the preview grid (scripts/synth/preview.ts); probabilities and ranges measured by training */
export const DEFAULT_DEGRADE: DegradeOptions = {
  penWidth: 0.5,
  minPenSteps: -0.7,
  maxPenSteps: 1.8,
  blur: 0.25,
  maxBlur: 2,
  lowRes: 0.3,
  minSide: 7,
  gamma: 0.3,
  maxGamma: 2.5,
  noise: 0.2,
  maxNoise: 0.12,
  noiseFloor: 0.15,
  photo: 0.04,
  // small photos, now and then: a digit 28-56 px tall brings the photo's effects, and a round trip costs as much as ~15 degraded images
  photoOptions: { ...DEFAULT_PHOTO, minZoom: 1, maxZoom: 2 },
};

const FIT_BOX = 20; // the side preprocessing fits a digit into

/**
 * img blurred in place by `amount` (0..2): whole passes of the separable binomial [1 2 1] / 4
 * (sigma 0.71 px each), and a fractional last pass blended with its input. zero outside; tmp is scratch.
 */
export function binomialBlur(img: Float32Array, tmp: Float32Array, amount: number): void {
  let left = amount;
  while (left > 1e-6) {
    const w = Math.min(1, left);
    for (let y = 0; y < S; y++) {
      const o = y * S;
      tmp[o] = 0.5 * img[o] + 0.25 * img[o + 1];
      for (let x = 1; x < S - 1; x++) tmp[o + x] = 0.5 * img[o + x] + 0.25 * (img[o + x - 1] + img[o + x + 1]);
      tmp[o + S - 1] = 0.5 * img[o + S - 1] + 0.25 * img[o + S - 2];
    }
    for (let y = 0; y < S; y++) {
      const o = y * S;
      for (let x = 0; x < S; x++) {
        const up = y > 0 ? tmp[o + x - S] : 0;
        const down = y < S - 1 ? tmp[o + x + S] : 0;
        const blurred = 0.5 * tmp[o + x] + 0.25 * (up + down);
        img[o + x] += w * (blurred - img[o + x]);
      }
    }
    left -= w;
  }
}

/**
 * img = img reduced to side x side by area averaging and blown up again, about the image centre:
 * what a digit scanned `side` pixels tall looks like once preprocessing enlarges it. blocky: the
 * scan was enlarged with square pixels (nearest neighbour), which preprocessing then area-averages;
 * otherwise smoothly (bilinear). threshold > 0: a 1-bit scan, cells above threshold × the
 * strongest cell become ink and the rest paper. small is scratch of at least side * side.
 */
export function lowResolution(img: Float32Array, small: Float32Array, side: number, blocky = false, threshold = 0): void {
  // the digit spans the central FIT_BOX pixels; the low-res grid covers the whole 28x28 field at side * 28 / 20 cells
  const cells = Math.max(2, Math.round((side * S) / FIT_BOX));
  const f = cells / S; // cells per pixel
  small.fill(0, 0, cells * cells);
  for (let y = 0; y < S; y++) {
    const cy0 = y * f, cy1 = (y + 1) * f;
    for (let x = 0; x < S; x++) {
      const v = img[y * S + x];
      if (v === 0) continue;
      const cx0 = x * f, cx1 = (x + 1) * f;
      // a pixel overlaps at most 2 cells per axis when f < 1
      for (let cy = Math.floor(cy0); cy < cy1 && cy < cells; cy++) {
        const wy = Math.min(cy1, cy + 1) - Math.max(cy0, cy);
        for (let cx = Math.floor(cx0); cx < cx1 && cx < cells; cx++) {
          const wx = Math.min(cx1, cx + 1) - Math.max(cx0, cx);
          // overlaps are in cell units, so each cell ends up holding the mean of the pixels it covers
          small[cy * cells + cx] += v * wx * wy;
        }
      }
    }
  }
  // a 1-bit scan: each cell is ink or paper
  if (threshold > 0) {
    let max = 0;
    for (let i = 0; i < cells * cells; i++) max = Math.max(max, small[i]);
    for (let i = 0; i < cells * cells; i++) small[i] = small[i] > threshold * max ? 1 : 0;
  }
  if (blocky) {
    // each pixel is the area-weighted mean of the square cells it overlaps
    for (let y = 0; y < S; y++) {
      const cy0 = y * f, cy1 = (y + 1) * f;
      for (let x = 0; x < S; x++) {
        const cx0 = x * f, cx1 = (x + 1) * f;
        let v = 0;
        for (let cy = Math.floor(cy0); cy < cy1 && cy < cells; cy++) {
          const wy = Math.min(cy1, cy + 1) - Math.max(cy0, cy);
          for (let cx = Math.floor(cx0); cx < cx1 && cx < cells; cx++) v += small[cy * cells + cx] * wy * (Math.min(cx1, cx + 1) - Math.max(cx0, cx));
        }
        img[y * S + x] = v / (f * f);
      }
    }
    return;
  }
  for (let y = 0; y < S; y++) {
    const u = Math.min(cells - 1, Math.max(0, (y + 0.5) * f - 0.5));
    const y0 = Math.min(cells - 2, Math.floor(u)), fy = u - y0;
    for (let x = 0; x < S; x++) {
      const t = Math.min(cells - 1, Math.max(0, (x + 0.5) * f - 0.5));
      const x0 = Math.min(cells - 2, Math.floor(t)), fx = t - x0;
      const i = y0 * cells + x0;
      const top = small[i] + fx * (small[i + 1] - small[i]);
      const bottom = small[i + cells] + fx * (small[i + cells + 1] - small[i + cells]);
      img[y * S + x] = top + fy * (bottom - top);
    }
  }
}

/**
 * what preprocessing does to ink: drop what is weaker than `floor` of the strongest ink and stretch
 * the rest so the strongest is 1. returns false (and leaves img) when there is no ink.
 */
export function inkFloor(img: Float32Array, floor: number): boolean {
  let max = 0;
  for (let i = 0; i < D; i++) if (img[i] > max) max = img[i];
  if (max <= 0) return false;
  const cut = floor * max;
  const scale = 1 / (max - cut);
  for (let i = 0; i < D; i++) img[i] = img[i] > cut ? (img[i] - cut) * scale : 0;
  return true;
}

function check(name: string, v: number, ok: boolean): void {
  if (!Number.isFinite(v) || !ok) throw new RangeError(`degrade: bad ${name}: ${v}`);
}

/**
 * returns degrade(img, rng), in place on 784 values in [0, 1]. rng draws: 13 uniforms always (which
 * degradations fire and their sizes), then either the photo's draws (shared/train/photo.ts) or D
 * uint32s and 4 uniforms when noise fires. same seed,
 * same image, same options -> same bytes. an image whose ink vanishes is left as it came.
 */
export function createDegrader(o: DegradeOptions): (img: Float32Array, rng: Rng) => void {
  for (const p of ['penWidth', 'blur', 'lowRes', 'gamma', 'noise', 'photo'] as const) check(p, o[p], o[p] >= 0 && o[p] <= 1);
  check('maxPenSteps', o.maxPenSteps, o.maxPenSteps >= o.minPenSteps && o.maxPenSteps <= 4 && o.minPenSteps >= -2);
  check('maxBlur', o.maxBlur, o.maxBlur >= 0.3 && o.maxBlur <= 4);
  check('minSide', o.minSide, Number.isInteger(o.minSide) && o.minSide >= 4 && o.minSide < FIT_BOX);
  check('maxGamma', o.maxGamma, o.maxGamma >= 1 && o.maxGamma <= 5);
  check('maxNoise', o.maxNoise, o.maxNoise >= 0 && o.maxNoise <= 1);
  check('noiseFloor', o.noiseFloor, o.noiseFloor >= 0 && o.noiseFloor < 1);

  const original = new Float32Array(D);
  const a = new Float32Array(D);
  const small = new Float32Array(S * S);
  const ink = new Float32Array(D);
  const u = new Float64Array(13);

  return (img, rng) => {
    if (img.length !== D) throw new RangeError(`degrade: images must have ${D} values`);
    for (let k = 0; k < u.length; k++) u[k] = rng.uniform();
    const pen = u[0] < o.penWidth;
    const blur = u[1] < o.blur;
    const lowRes = u[2] < o.lowRes;
    const gamma = u[3] < o.gamma;
    const noise = u[4] < o.noise;
    const photo = u[10] < o.photo;
    if (!(pen || blur || lowRes || gamma || noise || photo)) return;
    original.set(img);

    if (pen) morphBy(img, a, S, S, o.minPenSteps + u[5] * (o.maxPenSteps - o.minPenSteps));
    if (photo) {
      // the photo brings its own blur, noise and ink response, and preprocessImage does the rest
      a.set(img);
      if (!photoRoundTrip(img, a, rng, o.photoOptions)) img.set(original);
      return;
    }
    if (lowRes) {
      // a third of low-resolution scans are 1-bit, cut somewhere between faint and dark
      const threshold = u[12] < 1 / 3 ? 0.3 + 0.9 * u[12] : 0;
      lowResolution(img, small, o.minSide + Math.floor(u[6] * (FIT_BOX - o.minSide)), u[11] < 0.5, threshold);
    }
    if (blur) binomialBlur(img, a, 0.3 + u[7] * (o.maxBlur - 0.3));
    if (gamma) {
      const g = Math.exp((2 * u[8] - 1) * Math.log(o.maxGamma));
      for (let i = 0; i < D; i++) if (img[i] > 0) img[i] = Math.min(1, img[i]) ** g;
    }
    if (noise) {
      // triangular noise from two 16-bit uniforms per pixel: a normal's shape is not the point, and
      // a draw per pixel costs far less than box-muller; (a + b) / 65536 - 1 has variance 1/6
      const scale = u[9] * o.maxNoise * Math.sqrt(6);
      for (let i = 0; i < D; i++) {
        const r = rng.nextUint32();
        img[i] += scale * (((r >>> 16) + (r & 0xffff) + 1) / 65536 - 1);
      }
      // a few specks: dust, paper fibres, jpeg blocks that the noise floor keeps
      const specks = Math.floor(rng.uniform() * 3);
      for (let s = 0; s < specks; s++) img[rng.int(D)] += 0.2 + 0.4 * rng.uniform();
      rng.uniform(); // reserved, keeps the stream stable if another draw joins
    }

    for (let i = 0; i < D; i++) img[i] = img[i] < 0 ? 0 : img[i];
    // as a real input: noise floor and stretch, then crop to the ink, fit 20x20, centre of mass
    if (!inkFloor(img, o.noiseFloor)) {
      img.set(original);
      return;
    }
    for (let i = 0; i < D; i++) ink[i] = img[i] * PIXEL_MAX;
    dropSpecks(ink, S, S);
    const reduced = toMnist(ink, S, S);
    for (let i = 0; i < D; i++) img[i] = reduced[i] / PIXEL_MAX;
  };
}

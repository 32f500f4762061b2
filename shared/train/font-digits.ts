// synthetic training digits from font outlines: each glyph drawn at a random size, slant, width
// and stroke weight, then reduced by the project's own preprocessing (toMnist), so a printed digit
// reaches the network exactly as a clean photo of it would after the Worker's preprocessing.

import { D, PIXEL_MAX } from '../dims';
import { toMnist } from '../image/preprocess';
import { createRng, type Rng } from '../rng';
import { contourBounds, fillContours, parseGlyph, transformContours, type Contour } from './glyph-raster';
import { morphBy } from './morph';

/** one font's ten digit outlines, svg path data in font units, y down (data/train/glyphs.json) */
export interface GlyphFont {
  family: string;
  digits: string[]; // index = digit
}

export interface FontDigitOptions {
  /** glyph height in pixels before reduction, uniform in [min, max] */
  minHeight: number;
  maxHeight: number;
  /** max rotation in degrees either way */
  maxRotateDeg: number;
  /** max horizontal shear either way (italic is about 0.2) */
  maxShear: number;
  /** width scaled uniformly in [1 - widthRange, 1 + widthRange] */
  widthRange: number;
  /** stroke weight change in morph steps, uniform in [minWeight, maxWeight] (< 0 thinner, > 0 bolder) */
  minWeight: number;
  maxWeight: number;
}

/**
 * measured by eye on the preview grid: heights of 28-44 px reduce to 20 px like a photo would (and
 * cost half of what 32-56 px did); weight -0.4..1.4 steps at those heights spans light to heavy
 * pens without breaking thin fonts' strokes; slant up to 0.45 (24°) either way and rotation up to
 * 10° cover italics, slanted handwriting and a sheet that is not quite straight.
 */
export const DEFAULT_FONT_DIGITS: FontDigitOptions = {
  minHeight: 28,
  maxHeight: 44,
  maxRotateDeg: 10,
  maxShear: 0.45,
  widthRange: 0.2,
  minWeight: -0.4,
  maxWeight: 1.4,
};

const MARGIN = 4; // pixels of paper around the glyph, so a bolder stroke has room
const DEG = Math.PI / 180;

/** outlines of every digit of every font, parsed once */
export function parseFonts(fonts: GlyphFont[]): Contour[][][] {
  return fonts.map((f) => {
    if (f.digits.length !== 10) throw new Error(`glyph font ${f.family}: expected 10 digits, got ${f.digits.length}`);
    return f.digits.map((d) => parseGlyph(d));
  });
}

/** one random rendering of a glyph: out = 784 values 0..255, as preprocessing makes them. draws 6 uniforms */
export function renderGlyph(out: Float32Array, glyph: Contour[], rng: Rng, o: FontDigitOptions = DEFAULT_FONT_DIGITS): void {
  const height = o.minHeight + rng.uniform() * (o.maxHeight - o.minHeight);
  const angle = (2 * rng.uniform() - 1) * o.maxRotateDeg * DEG;
  const shear = (2 * rng.uniform() - 1) * o.maxShear;
  const widen = 1 + (2 * rng.uniform() - 1) * o.widthRange;
  const weight = o.minWeight + rng.uniform() * (o.maxWeight - o.minWeight);
  rng.uniform(); // reserved, keeps the stream stable if another parameter joins

  const [l, t, , b] = contourBounds(glyph);
  const k = height / Math.max(1e-9, b - t);
  // scale (width × widen), shear x by y, then rotate; about the glyph's top-left corner
  const c = Math.cos(angle), s = Math.sin(angle);
  const a00 = k * widen, a01 = k * shear, a11 = k;
  const m = [c * a00, c * a01 - s * a11, 0, s * a00, s * a01 + c * a11, 0];
  const placed = transformContours(glyph, [m[0], m[1], -(m[0] * l + m[1] * t), m[3], m[4], -(m[3] * l + m[4] * t)]);
  const [pl, pt, pr, pb] = contourBounds(placed);
  const width = Math.ceil(pr - pl) + 2 * MARGIN;
  const rows = Math.ceil(pb - pt) + 2 * MARGIN;
  const shifted = transformContours(placed, [1, 0, MARGIN - pl, 0, 1, MARGIN - pt]);

  const ink = fillContours(shifted, width, rows);
  if (Math.abs(weight) > 1e-3) morphBy(ink, new Float32Array(ink.length), width, rows, weight);
  for (let i = 0; i < ink.length; i++) ink[i] *= PIXEL_MAX;
  out.set(toMnist(ink, width, rows));
}

export interface FontDigitSet {
  count: number;
  images: Uint8Array; // (count, D) 0..255
  labels: Uint8Array;
}

/**
 * `perDigit` renderings of each digit of each font, seeded per (font, digit, variant) so a set
 * depends only on its fonts, options and seed.
 */
export function fontDigitSet(fonts: Contour[][][], perDigit: number, seed: number, o: FontDigitOptions = DEFAULT_FONT_DIGITS): FontDigitSet {
  const count = fonts.length * 10 * perDigit;
  const images = new Uint8Array(count * D);
  const labels = new Uint8Array(count);
  const img = new Float32Array(D);
  let n = 0;
  for (let f = 0; f < fonts.length; f++) {
    for (let digit = 0; digit < 10; digit++) {
      for (let v = 0; v < perDigit; v++) {
        const rng = createRng((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(f + 1, 0x85ebca6b) + Math.imul(digit * 7919 + v + 1, 0xc2b2ae35)) >>> 0);
        renderGlyph(img, fonts[f][digit], rng, o);
        for (let d = 0; d < D; d++) images[n * D + d] = Math.round(img[d]);
        labels[n] = digit;
        n++;
      }
    }
  }
  return { count, images, labels };
}

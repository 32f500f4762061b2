// evaluation sets of numbers (for POST /read): 2–8 digits in one line, from the mnist TEST digits,
// the evaluation fonts (never the training fonts) and phone strokes of mnist test digits; gaps from
// touching to wide, uneven heights and baselines, slight slant; scanned, photographed (with jpeg)
// or drawn on a wide phone canvas. generated from a seed like the single-digit sets (set.ts) and,
// like them, never read by training code (test/unit/eval-sets.test.ts).
import { createHash } from 'node:crypto';
import type { DecodedImage } from '../../shared/image/decoded';
import { createRng, type Rng } from '../../shared/rng';
import { DIGITS } from './glyphs';
import { glyphInk, MNIST_UP, mnistInk, mnistUpsampled } from './ink';
import { between, chance } from './noise';
import { boundsOf, drawOnPhone } from './phone';
import { CLEAN_SCAN, DIM_PHOTO, PHONE_PHOTO, photograph, type PhotoStyle } from './photo';
import { createRaster, cropToInk, resize, sampleBilinear, type Raster } from './raster';
import { testDigit, type Sources } from './set';
import { centreLine } from './skeleton';

export const GAPS = ['touching', 'close', 'wide'] as const;
export type Gap = (typeof GAPS)[number];

/** the gap between neighbouring digits' ink, as a share of the line's height */
const GAP_RANGE: Record<Gap, [number, number]> = { touching: [-0.12, 0], close: [0.05, 0.2], wide: [0.25, 0.6] };

export interface NumberItem {
  image: DecodedImage;
  text: string;
  gap: Gap;
  /** each digit's ink alone, as a clean picture: what the single-digit path reads of the same digits */
  singles: DecodedImage[];
  /** mnist test indices of the digits, empty for fonts */
  mnistTest: number[];
  font: string;
}

export interface NumberSet {
  name: string;
  about: string;
  items: NumberItem[];
}

export interface NumberRecipe {
  name: string;
  count: number;
  seed: number;
  about: string;
  source: 'mnist' | 'fonts' | 'phone';
  look: 'scan' | 'photo' | 'phone';
}

export const NUMBER_RECIPES: readonly NumberRecipe[] = [
  { name: 'numbers-mnist-scan', count: 300, seed: 0x17a1, source: 'mnist', look: 'scan', about: 'mnist test digits as pen on paper, scanned or screenshotted (jpeg for some)' },
  { name: 'numbers-mnist-photo', count: 300, seed: 0x17a2, source: 'mnist', look: 'photo', about: 'mnist test digits as pen on paper, phone photos (half in poor light, most jpeg)' },
  { name: 'numbers-fonts', count: 300, seed: 0x17a3, source: 'fonts', look: 'photo', about: 'digits of the handwriting-style evaluation fonts on paper, photographed or scanned' },
  { name: 'numbers-phone', count: 300, seed: 0x17a4, source: 'phone', look: 'phone', about: 'mnist test digits redrawn with a finger or stylus on a wide phone canvas' },
];

/** a shear of a coverage raster about its middle row: x' = x + slant (y - mid), widened to fit */
function sheared(r: Raster, slant: number): Raster {
  const extra = Math.ceil(Math.abs(slant) * r.height);
  const out = createRaster(r.width + extra, r.height);
  const mid = r.height / 2;
  const offset = slant > 0 ? extra / 2 : -extra / 2;
  for (let y = 0; y < r.height; y++) {
    const shift = slant * (mid - y) + offset - extra / 2;
    for (let x = 0; x < out.width; x++) out.data[y * out.width + x] = sampleBilinear(r, x + shift, y);
  }
  return out;
}

/** digits' ink side by side: heights 80–100% of the tallest, baselines ±8%, the gap's kind between them, slightly slanted */
function compose(inks: Raster[], gap: Gap, rng: Rng): Raster {
  const H = Math.max(...inks.map((r) => r.height));
  const scaled = inks.map((r) => {
    const s = (between(rng, 0.8, 1) * H) / r.height;
    return resize(r, Math.max(1, Math.round(r.width * s)), Math.max(1, Math.round(r.height * s)));
  });
  const xs: number[] = [];
  let x = 0;
  const ys = scaled.map((r) => Math.round((H - r.height) * between(rng, 0.3, 1) + between(rng, -0.08, 0.08) * H));
  const top = Math.min(0, ...ys);
  scaled.forEach((r, i) => {
    xs.push(x);
    x += r.width + (i < scaled.length - 1 ? Math.round(between(rng, ...GAP_RANGE[gap]) * H) : 0);
  });
  const width = Math.max(...scaled.map((r, i) => xs[i] + r.width));
  const height = Math.max(...scaled.map((r, i) => ys[i] - top + r.height));
  const out = createRaster(width, height);
  scaled.forEach((r, i) => {
    for (let yy = 0; yy < r.height; yy++)
      for (let xx = 0; xx < r.width; xx++) {
        const o = (ys[i] - top + yy) * width + xs[i] + xx;
        out.data[o] = Math.max(out.data[o], r.data[yy * r.width + xx]);
      }
  });
  return cropToInk(sheared(out, between(rng, -0.12, 0.12)), 3);
}

/** coverage 0..1 as dark ink on white paper: a clean picture of one digit */
function onPaper(r: Raster): DecodedImage {
  const padded = createRaster(r.width + 8, r.height + 8);
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) padded.data[(y + 4) * padded.width + x + 4] = r.data[y * r.width + x];
  return { width: padded.width, height: padded.height, gray: padded.data.map((v) => Math.round(255 - 255 * Math.min(1, v))), alpha: null };
}

/** a photo or scan style for a strip of ink `aspect` times as wide as tall */
function wideStyle(base: PhotoStyle, aspect: number, rng: Rng): PhotoStyle {
  const height = base === CLEAN_SCAN ? [40, 140] : [48, 200];
  return { ...base, side: height as [number, number], fill: [0.45, 0.8], aspect: [aspect * 0.95, aspect * 1.35], tiltDeg: Math.min(base.tiltDeg, chance(rng, 0.5) ? 2 : 4) };
}

function makeItem(recipe: NumberRecipe, rng: Rng, nextTestIndex: () => number, sources: Sources, i: number): NumberItem {
  const length = 2 + (i % 7); // 2..8, evenly
  const gap = GAPS[Math.floor(i / 7) % 3];
  if (recipe.source === 'phone') {
    const indices = Array.from({ length }, nextTestIndex);
    const lines = indices.map((k) => centreLine(mnistUpsampled(testDigit(sources, k), MNIST_UP)));
    // side by side as a person writes them: each digit's strokes moved to its place
    const out: number[][] = [];
    let x = 0;
    const H = Math.max(...lines.map((l) => { const b = boundsOf(l); return b.y1 - b.y0; }));
    for (const l of lines) {
      const b = boundsOf(l);
      const dx = x - b.x0, dy = between(rng, -0.08, 0.08) * H;
      out.push(...l.map((s) => s.map((v, j) => v + (j % 2 ? dy : dx))));
      x += b.x1 - b.x0 + between(rng, GAP_RANGE[gap][0] + 0.1, GAP_RANGE[gap][1] + 0.1) * H; // the pen's width closes ~0.1 of the gap
    }
    const image = drawOnPhone(out, rng, true);
    const singles = indices.map((k) => onPaper(mnistInk(testDigit(sources, k), rng, 'regular')));
    return { image, text: indices.map((k) => sources.mnistTest.labels[k]).join(''), gap, singles, mnistTest: indices, font: '' };
  }
  let inks: Raster[], text: string, mnist: number[] = [], font = '';
  if (recipe.source === 'mnist') {
    mnist = Array.from({ length }, nextTestIndex);
    const pen = chance(rng, 0.3) ? 'thin' : chance(rng, 0.2) ? 'thick' : 'regular';
    inks = mnist.map((k) => cropToInk(mnistInk(testDigit(sources, k), rng, pen), 0));
    text = mnist.map((k) => sources.mnistTest.labels[k]).join('');
  } else {
    const fonts = sources.fonts.eval.handwriting;
    const f = fonts[i % fonts.length];
    font = f.id;
    const glyphs = sources.glyphs(f.id).glyphs;
    const chars = Array.from({ length }, () => DIGITS[rng.int(10)]).map((c) => (glyphs[c] === undefined ? '0' : c));
    text = chars.join('');
    inks = chars.map((c) => cropToInk(glyphInk(glyphs[c], rng), 0));
  }
  const strip = compose(inks, gap, rng);
  const aspect = strip.width / strip.height;
  const base = recipe.look === 'scan' ? CLEAN_SCAN : chance(rng, 0.5) ? PHONE_PHOTO : DIM_PHOTO;
  const image = photograph(strip, rng, wideStyle(recipe.look === 'photo' && recipe.source === 'fonts' && chance(rng, 0.2) ? CLEAN_SCAN : base, aspect, rng));
  return { image, text, gap, singles: inks.map(onPaper), mnistTest: mnist, font };
}

export function generateNumberSet(recipe: NumberRecipe, sources: Sources): NumberSet {
  const rng = createRng(recipe.seed);
  const available = sources.mnistTest.count;
  const order = createRng(recipe.seed ^ 0x7e57).shuffle(Int32Array.from({ length: available }, (_, i) => i));
  let next = 0;
  const nextTestIndex = () => order[next++ % available];
  const items = Array.from({ length: recipe.count }, (_, i) => makeItem(recipe, rng, nextTestIndex, sources, i));
  return { name: recipe.name, about: recipe.about, items };
}

/** sha-256 of a number set's pictures and texts, to notice when a generator changes */
export function hashNumberSet(set: NumberSet): string {
  const hash = createHash('sha256');
  for (const { image, text } of set.items) {
    hash.update(`${image.width}x${image.height}:${text}:${image.alpha ? 1 : 0};`);
    hash.update(Uint8Array.from(image.gray, (v) => Math.round(v)));
    if (image.alpha) hash.update(Uint8Array.from(image.alpha, (v) => Math.round(v * 255)));
  }
  return hash.digest('hex');
}

/** where the number sets' recipes and hashes are recorded */
export const NUMBER_MANIFEST = 'data/eval/numbers.json';
/** the first this many numbers of each set are hashed apart, for a quick check in the unit tests */
export const NUMBER_PREFIX = 20;

export interface NumberManifestEntry {
  name: string;
  count: number;
  seed: number;
  about: string;
  sha256: string;
  prefixSha256: string;
}

export const manifestEntry = (recipe: NumberRecipe, set: NumberSet): NumberManifestEntry => ({
  name: recipe.name,
  count: recipe.count,
  seed: recipe.seed,
  about: recipe.about,
  sha256: hashNumberSet(set),
  prefixSha256: hashNumberSet({ ...set, items: set.items.slice(0, NUMBER_PREFIX) }),
});

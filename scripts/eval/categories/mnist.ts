// sets drawn from the mnist test digits (t10k only, never the training files): photographs of them
// written on paper, low-resolution scans of them, and two of them side by side (a number).
import type { Rng } from '../../../shared/rng';
import { MNIST_UP, mnistInk, mnistUpsampled } from '../ink';
import { between, chance } from '../noise';
import { boundsOf, drawOnPhone } from '../phone';
import { CLEAN_SCAN, DIM_PHOTO, PHONE_PHOTO, photograph, type PhotoStyle } from '../photo';
import { createRaster, resize, type Raster } from '../raster';
import { centreLine } from '../skeleton';
import { NOT_A_DIGIT, testDigit, type Recipe } from '../set';

export const photo: Recipe = {
  name: 'photo',
  kind: 'digits',
  count: 1000,
  seed: 0xf070,
  about: 'mnist test digits as pen on paper, photographed (half in poor light): texture, uneven light and shadow, tilt, perspective, blur, noise, jpeg, thick and thin pens',
  make(_, { rng, nextTestIndex }, sources) {
    const index = nextTestIndex();
    const image = photograph(mnistInk(testDigit(sources, index), rng), rng, chance(rng, 0.5) ? PHONE_PHOTO : DIM_PHOTO);
    return { image, label: sources.mnistTest.labels[index], mnistTest: [index], font: '' };
  },
};

/** the scanner sees the page sharp and evenly lit, at 8x the resolution it then keeps */
const SCANNER: PhotoStyle = { ...CLEAN_SCAN, fill: [0.75, 1], tiltDeg: 3, jpeg: { p: 0, quality: [90, 90] } };

/** grey levels a low-resolution scan keeps: 2 (a 1-bit scan), 17 (4x4 blocks of bits counted) or 256 */
function quantise(r: Raster, levels: number): void {
  for (let i = 0; i < r.data.length; i++) r.data[i] = Math.round((r.data[i] / 255) * (levels - 1)) * (255 / (levels - 1));
}

/** a digit on paper reduced to `side` pixels, then blown up again the way a viewer or an editor would */
function lowResScan(ink: Raster, rng: Rng): Raster {
  const side = 8 + rng.int(9); // 8..16 px
  // low-resolution digit sets often stretch every digit to fill its box; do that for some
  const stretched = chance(rng, 0.3) ? stretchWidth(ink, between(rng, 1.2, 1.6)) : ink;
  const page = photograph(stretched, rng, { ...SCANNER, side: [side * 8, side * 8] });
  const small = resize({ width: page.width, height: page.height, data: page.gray }, side, side);
  const levels = [2, 17, 256][rng.int(3)];
  if (levels === 2) {
    // a 1-bit scan thresholds halfway between its paper and its darkest ink, so a faint digit still shows
    let dark = 255, light = 0;
    for (const v of small.data) {
      dark = Math.min(dark, v);
      light = Math.max(light, v);
    }
    for (let i = 0; i < small.data.length; i++) small.data[i] = small.data[i] < (dark + light) / 2 ? 0 : 255;
  }
  else quantise(small, levels);
  const up = Math.round(between(rng, 32, 112));
  const big = resize(small, up, up, chance(rng, 0.5) ? 'nearest' : 'smooth');
  for (let i = 0; i < big.data.length; i++) big.data[i] = Math.round(Math.min(255, Math.max(0, big.data[i])));
  return big;
}

function stretchWidth(r: Raster, factor: number): Raster {
  return resize(r, Math.round(r.width * factor), r.height);
}

export const lowresScans: Recipe = {
  name: 'lowres-scans',
  kind: 'digits',
  count: 1000,
  seed: 0x10e5,
  about: 'mnist test digits on paper scanned at 8-16 px (1-bit, 17 or 256 grey levels) and blown up again',
  make(_, { rng, nextTestIndex }, sources) {
    const index = nextTestIndex();
    // a thick marker leaves nothing readable at 8 px; scans of those are not what this set measures
    const big = lowResScan(mnistInk(testDigit(sources, index), rng, chance(rng, 0.5) ? 'thin' : 'regular'), rng);
    return { image: { width: big.width, height: big.height, gray: big.data, alpha: null }, label: sources.mnistTest.labels[index], mnistTest: [index], font: '' };
  },
};

/** two inks side by side on one strip, the second maybe a little higher or lower, a gap or a slight overlap between */
function sideBySide(a: Raster, b: Raster, rng: Rng): Raster {
  const gap = Math.round(between(rng, -0.05, 0.35) * Math.max(a.height, b.height));
  const shift = Math.round(between(rng, -0.1, 0.1) * a.height);
  const width = a.width + gap + b.width;
  const top = Math.max(0, -shift);
  const height = Math.max(a.height + top, b.height + top + shift);
  const out = createRaster(width, height);
  const paste = (r: Raster, ox: number, oy: number) => {
    for (let y = 0; y < r.height; y++)
      for (let x = 0; x < r.width; x++) {
        const i = (y + oy) * width + x + ox;
        out.data[i] = Math.max(out.data[i], r.data[y * r.width + x]);
      }
  };
  paste(a, 0, top);
  paste(b, a.width + gap, top + shift);
  return out;
}

/** two digits' centre lines side by side, as a person draws a number on a phone */
function drawnSideBySide(a: Raster, b: Raster, rng: Rng): number[][] {
  const first = centreLine(a), second = centreLine(b);
  const fb = boundsOf(first), sb = boundsOf(second);
  const height = Math.max(fb.y1 - fb.y0, sb.y1 - sb.y0);
  const dx = fb.x1 - sb.x0 + between(rng, 0, 0.35) * height;
  const dy = fb.y0 - sb.y0 + between(rng, -0.1, 0.1) * height;
  return [...first, ...second.map((s) => s.map((v, j) => v + (j % 2 ? dy : dx)))];
}

export const twoDigits: Recipe = {
  name: 'two-digits',
  kind: 'ood',
  count: 500,
  seed: 0x2d16,
  about: 'two mnist test digits side by side in one picture (a number, not a digit): half photographed or scanned, half drawn on a phone',
  make(_, { rng, nextTestIndex }, sources) {
    const first = nextTestIndex(), second = nextTestIndex();
    const a = testDigit(sources, first), b = testDigit(sources, second);
    const image = chance(rng, 0.5)
      ? drawOnPhone(drawnSideBySide(mnistUpsampled(a, MNIST_UP), mnistUpsampled(b, MNIST_UP), rng), rng)
      : photograph(sideBySide(mnistInk(a, rng, chance(rng, 0.5) ? 'thin' : 'any'), mnistInk(b, rng), rng), rng, chance(rng, 0.7) ? PHONE_PHOTO : CLEAN_SCAN);
    return { image, label: NOT_A_DIGIT, mnistTest: [first, second], font: '' };
  },
};

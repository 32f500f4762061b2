import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { preprocessImage } from '../../shared/image/preprocess';
import { removeRulings } from '../../shared/image/rulings';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readPicture } from '../../shared/model/read';
import { createRng } from '../../shared/rng';
import { loadMnist } from '../../scripts/lib/mnist';

// lined and squared paper (shared/image/rulings.ts): the lines go, the writing stays, and strokes of
// the writing that look like lines (a 7's bar edge to edge, a tall 1) are never taken for rulings.

const mnist = loadMnist();
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));

/** an ink map (ink bright) with a stroke from (x0, y0) to (x1, y1) of half-width `pen` */
function stroke(ink: Float32Array, width: number, [x0, y0, x1, y1]: number[], pen = 1.5): void {
  const height = ink.length / width;
  const dx = x1 - x0, dy = y1 - y0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy || 1)));
      if (Math.hypot(x - x0 - t * dx, y - y0 - t * dy) <= pen) ink[y * width + x] = 255;
    }
}

/** `digits` mnist test digits, 4× their size, on paper (245) with lines of `shade` every 40 px (and down the page for squared paper) */
function page(digits: number[], lines: 'none' | 'ruled' | 'squared', shade: number, W = 400, H = 160) {
  const gray = new Float32Array(W * H).fill(245);
  if (lines !== 'none') for (let y = 20; y < H; y += 40) for (let x = 0; x < W; x++) gray[y * W + x] = shade;
  if (lines === 'squared') for (let x = 20; x < W; x += 40) for (let y = 0; y < H; y++) gray[y * W + x] = shade;
  digits.forEach((k, i) => {
    const img = mnist.test.images.subarray(k * D, (k + 1) * D);
    for (let y = 0; y < 112; y++)
      for (let x = 0; x < 112; x++) {
        const gx = Math.round((W - 100 * digits.length) / 2) + i * 100 + x, gy = Math.round((H - 112) / 2) + y;
        if (gx < W) gray[gy * W + gx] = Math.min(gray[gy * W + gx], 245 - 0.9 * img[Math.floor(y / 4) * 28 + Math.floor(x / 4)]);
      }
  });
  return { width: W, height: H, gray, alpha: null };
}

describe('rulings of lined and squared paper', () => {
  it('removes lines across, tilted too, and keeps the ink where a stroke crosses them', () => {
    const W = 200, H = 80;
    for (const slope of [0, 0.03, -0.04]) {
      const ink = new Float32Array(W * H);
      for (const base of [20, 50]) for (let x = 0; x < W; x++) ink[(base + Math.round(slope * x)) * W + x] = 200;
      stroke(ink, W, [100, 5, 100, 75]); // a "1" written across both lines
      expect(removeRulings(ink, W, H)).toBe(2);
      // the 1 is whole, rows 5..75 of its column; the lines are gone away from it
      for (let y = 5; y <= 75; y++) expect(ink[y * W + 100]).toBe(255);
      for (const x of [10, 50, 150, 190]) for (const base of [20, 50]) expect(ink[(base + Math.round(slope * x)) * W + x]).toBe(0);
    }
  });

  it('leaves a 7 whose bar runs edge to edge, a tall 1 alone, and pictures with paper beside the writing', () => {
    const W = 100, H = 100;
    const seven = new Float32Array(W * H);
    stroke(seven, W, [2, 10, 97, 10]);
    stroke(seven, W, [97, 10, 45, 95]);
    const before = seven.slice();
    expect(removeRulings(seven, W, H)).toBe(0);
    expect(seven).toEqual(before);
    const one = new Float32Array(W * H);
    stroke(one, W, [50, 0, 50, 99]);
    expect(removeRulings(one, W, H)).toBe(0);
    const two = new Float32Array(W * H);
    stroke(two, W, [30, 20, 70, 20]);
    stroke(two, W, [70, 20, 30, 80]);
    stroke(two, W, [30, 80, 75, 80]);
    expect(removeRulings(two, W, H)).toBe(0);
  });

  it('costs one pass for noise that inks every column, and removes nothing from it', () => {
    const rng = createRng(3);
    const W = 256, H = 85;
    const noise = Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.3 ? 255 : 0));
    const before = noise.slice();
    expect(removeRulings(noise, W, H)).toBe(0);
    expect(noise).toEqual(before);
  });

  it('lets /classify read a digit photographed on lined or squared paper as on plain paper', () => {
    const right = { none: 0, ruled: 0, squared: 0 };
    for (let k = 0; k < 40; k++)
      for (const lines of ['none', 'ruled', 'squared'] as const) {
        const digit = predictor.predictPacked(preprocessImage(page([k], lines, 175, 200, 200)), 1)[0].digit;
        if (digit === mnist.test.labels[k]) right[lines]++;
      }
    // without removing the lines, 35 of 100 were read right on either paper (the lines are ~30% of the pen's contrast)
    expect(right.ruled).toBe(right.none);
    expect(right.squared).toBe(right.none);
    expect(right.none).toBeGreaterThanOrEqual(39);
  });

  it('lets /read read a number written on lined or squared paper, the lines as dark as 150 on 245', () => {
    const digits = [1, 2, 3];
    const text = digits.map((k) => mnist.test.labels[k]).join('');
    for (const lines of ['ruled', 'squared'] as const)
      for (const shade of [195, 175, 150]) {
        const r = readPicture(page(digits, lines, shade), predictor);
        expect(r.text, `${lines} at ${shade}`).toBe(text);
      }
  });
});

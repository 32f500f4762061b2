import { describe, expect, it } from 'vitest';
import { D, PIXEL_MAX } from '../../shared/dims';
import type { DecodedImage } from '../../shared/image/decoded';
import { deskew, dropSpecks, flattenLighting, MAX_SKEW } from '../../shared/image/normalize';
import { preprocessImage } from '../../shared/image/preprocess';

/** a dark "1" (a vertical bar) on paper of `paper` luminance, lit by `light(x, y)` (a factor) */
function sheet(width: number, height: number, paper: number, light: (x: number, y: number) => number): DecodedImage {
  const gray = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bar = Math.abs(x - width / 2) < width / 20 && y > height / 4 && y < (3 * height) / 4;
      gray[y * width + x] = (bar ? 30 : paper) * light(x, y);
    }
  return { width, height, gray, alpha: null };
}

/** the ink's bounding box in a 28x28 image: [width, height] */
function extent(img: Float32Array): [number, number] {
  let l = 28, r = -1, t = 28, b = -1;
  for (let i = 0; i < D; i++)
    if (img[i] > 0) {
      const x = i % 28, y = Math.floor(i / 28);
      l = Math.min(l, x); r = Math.max(r, x); t = Math.min(t, y); b = Math.max(b, y);
    }
  return [r - l + 1, b - t + 1];
}

describe('flattenLighting', () => {
  it('returns an evenly lit photo unchanged, the very same object', () => {
    const img = sheet(120, 100, 220, () => 1);
    expect(flattenLighting(img)).toBe(img);
  });

  it('returns drawings with alpha unchanged', () => {
    const img = { ...sheet(60, 60, 220, (x) => 1 - x / 100), alpha: new Float32Array(3600).fill(1) };
    expect(flattenLighting(img)).toBe(img);
  });

  it('evens out light falling off across the sheet: the paper ends within a few levels everywhere', () => {
    const img = sheet(160, 120, 230, (x, y) => 1 - 0.35 * (x / 160) - 0.1 * (y / 120));
    const flat = flattenLighting(img);
    const corners = [0, 159, 119 * 160, 119 * 160 + 159].map((i) => flat.gray[i]);
    expect(Math.max(...corners) - Math.min(...corners)).toBeLessThan(4);
    expect(img.gray[159] - img.gray[0]).toBeLessThan(-70); // it was uneven
  });

  it('lets preprocessing keep a shaded digit at full size instead of shrinking it into the shadow', () => {
    const img = sheet(160, 120, 230, (x) => 1 - 0.4 * (x / 160));
    const [, h] = extent(preprocessImage(img));
    expect(h).toBe(20); // the bar, fitted to the 20-pixel box, not the shadow
  });
});

describe('dropSpecks', () => {
  it('removes a small speck far from the digit and keeps the digit', () => {
    const w = 40, h = 40;
    const ink = new Float32Array(w * h);
    for (let y = 10; y < 30; y++) for (let x = 18; x < 21; x++) ink[y * w + x] = PIXEL_MAX; // the digit, 60 px
    ink[2 * w + 2] = PIXEL_MAX; // a speck, 1 px
    expect(dropSpecks(ink, w, h)).toBe(1);
    expect(ink[2 * w + 2]).toBe(0);
    expect(ink[20 * w + 19]).toBe(PIXEL_MAX);
  });

  it('keeps a broken stroke that weighs a fair share of the digit', () => {
    const w = 40, h = 40;
    const ink = new Float32Array(w * h);
    for (let y = 10; y < 30; y++) ink[y * w + 20] = PIXEL_MAX; // 20 px stroke
    for (let x = 5; x < 10; x++) ink[5 * w + x] = PIXEL_MAX; // a 5 px bar apart from it: 25%
    expect(dropSpecks(ink, w, h)).toBe(0);
    expect(ink[5 * w + 7]).toBe(PIXEL_MAX);
  });

  it('joins diagonal neighbours into one component', () => {
    const w = 10, h = 10;
    const ink = new Float32Array(w * h);
    for (let k = 0; k < 10; k++) ink[k * w + k] = PIXEL_MAX;
    expect(dropSpecks(ink, w, h)).toBe(0);
  });
});

/** a stroke from (x0, 4) to (x1, 23) in a 28x28 image, ink 255 within half a width of its centre line */
function stroke(x0: number, x1: number, width = 3): Float32Array {
  const img = new Float32Array(D);
  for (let y = 4; y <= 23; y++) {
    const cx = x0 + ((x1 - x0) * (y - 4)) / 19;
    for (let x = 0; x < 28; x++) if (Math.abs(x - cx) <= (width - 1) / 2) img[y * 28 + x] = PIXEL_MAX;
  }
  return img;
}

/** the ink's horizontal drift per row, cov(x, y) / var(y) */
function slant(img: Float32Array): number {
  let m = 0, sx = 0, sy = 0;
  for (let i = 0; i < D; i++) {
    m += img[i];
    sx += img[i] * (i % 28);
    sy += img[i] * Math.floor(i / 28);
  }
  let xy = 0, yy = 0;
  for (let i = 0; i < D; i++) {
    const dx = (i % 28) - sx / m, dy = Math.floor(i / 28) - sy / m;
    xy += img[i] * dx * dy;
    yy += img[i] * dy * dy;
  }
  return xy / yy;
}

describe('deskew', () => {
  it('stands a slanted stroke upright, keeping its ink and its centre', () => {
    const leaning = stroke(18, 10); // top to the right, as an italic 1
    expect(slant(leaning)).toBeLessThan(-0.3);
    const out = new Float32Array(D);
    deskew(out, leaning, 28);
    expect(Math.abs(slant(out))).toBeLessThan(0.02);
    expect(extent(leaning)[0]).toBeGreaterThan(10);
    expect(extent(out)[0]).toBeLessThanOrEqual(5); // a 3 px stroke, blurred a pixel by the sub-pixel shifts
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(out)).toBeCloseTo(sum(leaning), 0);
    const meanX = (a: Float32Array) => a.reduce((s, v, i) => s + v * (i % 28), 0) / sum(a);
    expect(meanX(out)).toBeCloseTo(meanX(leaning), 1);
  });

  it('leaves an upright stroke as it is', () => {
    const upright = stroke(14, 14);
    const out = new Float32Array(D);
    deskew(out, upright, 28);
    expect(Array.from(out)).toEqual(Array.from(upright));
  });

  it('stays in range, returns the same bytes for the same input, and passes a blank image through', () => {
    const img = stroke(6, 20);
    const a = new Float32Array(D), b = new Float32Array(D);
    deskew(a, img, 28);
    deskew(b, img, 28);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(PIXEL_MAX);
    const blank = new Float32Array(D);
    deskew(a, blank, 28);
    expect(a.every((v) => v === 0)).toBe(true);
  });

  it('straightens a steep slant only as far as MAX_SKEW', () => {
    const out = new Float32Array(D);
    deskew(out, stroke(27, 0), 28); // about 1.4 px per row
    expect(slant(out)).toBeLessThan(-(1.4 - MAX_SKEW) / 2);
  });

  it('rejects images of the wrong size', () => {
    expect(() => deskew(new Float32Array(D), new Float32Array(100), 28)).toThrow(RangeError);
  });
});

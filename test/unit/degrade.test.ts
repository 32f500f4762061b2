import { describe, expect, it } from 'vitest';
import { firstTrainingDigits } from './mnist-digits';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { createDegrader, DEFAULT_DEGRADE, binomialBlur, inkFloor, lowResolution, type DegradeOptions } from '../../shared/train/degrade';
import { morphBy } from '../../shared/train/morph';

const S = IMAGE_SIDE;

const digits = firstTrainingDigits(60);
const OFF: DegradeOptions = { ...DEFAULT_DEGRADE, penWidth: 0, blur: 0, lowRes: 0, gamma: 0, noise: 0, photo: 0 };
const mass = (img: Float32Array) => img.reduce((s, v) => s + v, 0);
const inked = (img: Float32Array) => img.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer.slice(0));

/** the ink's bounding box: [width, height] */
function extent(img: Float32Array): [number, number] {
  let l = S, r = -1, t = S, b = -1;
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++)
      if (img[y * S + x] > 0) {
        l = Math.min(l, x);
        r = Math.max(r, x);
        t = Math.min(t, y);
        b = Math.max(b, y);
      }
  return [r - l + 1, b - t + 1];
}

describe('createDegrader', () => {
  it('returns 784 finite values within [0, 1], with visible ink left', () => {
    const degrade = createDegrader({ ...DEFAULT_DEGRADE, penWidth: 1, blur: 1, lowRes: 1, gamma: 1, noise: 1 });
    const rng = createRng(1);
    for (const d of digits) {
      const img = d.slice();
      degrade(img, rng);
      expect(img.length).toBe(D);
      expect(Array.from(img.filter((v) => !(Number.isFinite(v) && v >= 0 && v <= 1)))).toEqual([]);
      expect(Math.max(...img)).toBeGreaterThan(0.2);
    }
  });

  it('gives identical bytes for the same seed and different bytes for another', () => {
    const all = { ...DEFAULT_DEGRADE, penWidth: 1, blur: 0.5, lowRes: 0.5, gamma: 0.5, noise: 0.5 };
    for (const d of digits.slice(0, 10)) {
      const a = d.slice(), b = d.slice(), c = d.slice();
      createDegrader(all)(a, createRng(9));
      createDegrader(all)(b, createRng(9));
      createDegrader(all)(c, createRng(10));
      expect(bytesOf(b)).toEqual(bytesOf(a));
      expect(bytesOf(c)).not.toEqual(bytesOf(a));
    }
  });

  it('leaves the image unchanged when no degradation fires', () => {
    const degrade = createDegrader(OFF);
    const img = digits[0].slice();
    degrade(img, createRng(3));
    expect(bytesOf(img)).toEqual(bytesOf(digits[0]));
  });

  it('refits the digit to the 20-pixel box the way preprocessing does, whatever the pen', () => {
    const degrade = createDegrader({ ...OFF, penWidth: 1, minPenSteps: 2, maxPenSteps: 2 });
    for (const d of digits.slice(0, 20)) {
      const img = d.slice();
      degrade(img, createRng(5));
      expect(Math.max(...extent(img))).toBe(20);
    }
  });

  it('refuses bad options', () => {
    expect(() => createDegrader({ ...DEFAULT_DEGRADE, blur: 1.5 })).toThrow(/blur/);
    expect(() => createDegrader({ ...DEFAULT_DEGRADE, minSide: 25 })).toThrow(/minSide/);
    expect(() => createDegrader(DEFAULT_DEGRADE)(new Float32Array(10), createRng(1))).toThrow(/784/);
  });
});

describe('the degradations one by one', () => {
  it('thickening adds ink and thinning removes it', () => {
    const scratch = new Float32Array(D);
    for (const d of digits.slice(0, 20)) {
      const thick = d.slice(), thin = d.slice();
      morphBy(thick, scratch, S, S, 1.5);
      morphBy(thin, scratch, S, S, -0.7);
      expect(mass(thick)).toBeGreaterThan(1.3 * mass(d));
      expect(mass(thin)).toBeLessThan(0.8 * mass(d));
    }
  });

  it('blur keeps the ink mass of a centred digit and spreads it over more pixels', () => {
    const tmp = new Float32Array(D);
    for (const d of digits.slice(0, 20)) {
      const out = d.slice();
      binomialBlur(out, tmp, 1.5);
      expect(Math.abs(mass(out) / mass(d) - 1)).toBeLessThan(0.01);
      expect(inked(out)).toBeGreaterThan(inked(d));
      expect(Math.max(...out)).toBeLessThan(Math.max(...d));
    }
  });

  it('a low-resolution round trip, smooth or blocky, keeps the ink mass and smooths the strokes: fewer sharp edges', () => {
    const small = new Float32Array(D);
    const edges = (img: Float32Array) => {
      let e = 0;
      for (let i = 1; i < D; i++) e += Math.abs(img[i] - img[i - 1]);
      return e;
    };
    for (const d of digits.slice(0, 20)) {
      for (const blocky of [false, true]) {
        const img = d.slice();
        lowResolution(img, small, 10, blocky);
        expect(mass(img)).toBeGreaterThan(0.9 * mass(d));
        expect(mass(img)).toBeLessThan(1.1 * mass(d));
        expect(edges(img)).toBeLessThan(edges(d));
      }
    }
  });

  it('a 1-bit low-resolution scan has solid ink: some pixels exactly 1, none above', () => {
    const small = new Float32Array(D);
    for (const d of digits.slice(0, 10)) {
      const img = d.slice();
      lowResolution(img, small, 10, true, 0.5);
      expect(img.some((v) => v === 1)).toBe(true);
      expect(Math.max(...img)).toBe(1);
    }
  });

  it('the ink floor drops faint values and stretches the strongest to 1', () => {
    const img = new Float32Array(D);
    img[0] = 0.05;
    img[1] = 0.2;
    img[2] = 0.5;
    expect(inkFloor(img, 0.15)).toBe(true);
    expect(img[0]).toBe(0);
    expect(img[1]).toBeCloseTo((0.2 - 0.075) / 0.425, 6);
    expect(img[2]).toBe(1);
    expect(inkFloor(new Float32Array(D), 0.15)).toBe(false);
  });

  it('noise leaves specks outside the digit that the floor did not remove, for some seeds', () => {
    const degrade = createDegrader({ ...OFF, noise: 1, maxNoise: 0.15 });
    let outside = 0;
    for (let s = 0; s < 20; s++) {
      const img = digits[1].slice();
      degrade(img, createRng(s));
      outside += inked(img) > inked(digits[1]) ? 1 : 0;
    }
    expect(outside).toBeGreaterThan(0);
  });
});

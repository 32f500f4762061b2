import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { DEFAULT_FONT_DIGITS, fontDigitSet, parseFonts, renderGlyph } from '../../shared/train/font-digits';
import { fillContours, parseGlyph } from '../../shared/train/glyph-raster';
import { GLYPHS_PATH, loadGlyphFonts } from '../../scripts/synth/font-set';

const S = IMAGE_SIDE;
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('glyph outlines', () => {
  it('parse lines, quadratic and cubic curves into closed contours', () => {
    const contours = parseGlyph('M0 0L10 0Q10 10 0 10ZM20 20C30 20 30 30 20 30Z');
    expect(contours).toHaveLength(2);
    expect(Array.from(contours[0].slice(0, 4))).toEqual([0, 0, 10, 0]);
    expect(contours[0].length).toBe(2 * (2 + 8)); // M, L, then 8 segments of the curve
  });

  it('fill a square with exact coverage, half-covered pixels at its edges', () => {
    const square = parseGlyph('M2 2L6.5 2L6.5 6L2 6Z');
    const cov = fillContours(square, 8, 8);
    expect(sum(cov)).toBeCloseTo(4.5 * 4, 5);
    expect(cov[3 * 8 + 3]).toBeCloseTo(1, 6);
    expect(cov[3 * 8 + 6]).toBeCloseTo(0.5, 6);
    expect(cov[0]).toBe(0);
  });

  it('leave a hole where an inner contour winds the other way (nonzero rule), as the 0 of a font', () => {
    const ring = parseGlyph('M0 0L8 0L8 8L0 8ZM2 2L2 6L6 6L6 2Z');
    const cov = fillContours(ring, 8, 8);
    expect(cov[4 * 8 + 4]).toBe(0);
    expect(sum(cov)).toBeCloseTo(64 - 16, 4);
  });
});

describe('font digits', () => {
  const fonts = parseFonts(loadGlyphFonts(GLYPHS_PATH));

  it('render as preprocessing reduces a picture: 784 values 0..255, fitted to the 20-pixel box', () => {
    const out = new Float32Array(D);
    const rng = createRng(1);
    for (let d = 0; d < 10; d++) {
      renderGlyph(out, fonts[0][d], rng);
      expect(out.length).toBe(D);
      expect(Array.from(out.filter((v) => !(v >= 0 && v <= 255)))).toEqual([]);
      let l = S, r = -1, t = S, b = -1;
      for (let i = 0; i < D; i++)
        if (out[i] > 0) {
          const x = i % S, y = Math.floor(i / S);
          l = Math.min(l, x); r = Math.max(r, x); t = Math.min(t, y); b = Math.max(b, y);
        }
      expect(Math.max(r - l + 1, b - t + 1)).toBe(20);
    }
  });

  it('get bolder with a heavier weight: more ink for the same glyph and geometry', () => {
    const light = new Float32Array(D), bold = new Float32Array(D);
    renderGlyph(light, fonts[0][8], createRng(4), { ...DEFAULT_FONT_DIGITS, minWeight: -0.5, maxWeight: -0.5 });
    renderGlyph(bold, fonts[0][8], createRng(4), { ...DEFAULT_FONT_DIGITS, minWeight: 1.5, maxWeight: 1.5 });
    expect(sum(bold)).toBeGreaterThan(1.3 * sum(light));
  });

  it('make the same set from the same seed, a different one from another, labelled by digit', () => {
    const a = fontDigitSet(fonts.slice(0, 2), 2, 7);
    const b = fontDigitSet(fonts.slice(0, 2), 2, 7);
    const c = fontDigitSet(fonts.slice(0, 2), 2, 8);
    expect(a.count).toBe(2 * 10 * 2);
    expect(a.images).toEqual(b.images);
    expect(a.images).not.toEqual(c.images);
    expect(Array.from(a.labels.slice(0, 4))).toEqual([0, 0, 1, 1]);
  });
});

describe('the training glyphs', () => {
  it('come only from the training side of the font split, never from an evaluation font or family', () => {
    const split = JSON.parse(readFileSync('data/eval/fonts.json', 'utf8')) as Record<'eval' | 'training', Record<string, { id: string; family: string }[]>>;
    const side = (s: 'eval' | 'training') => Object.values(split[s]).flat();
    const evalIds = new Set(side('eval').map((f) => f.id));
    const evalFamilies = new Set(side('eval').map((f) => f.family));
    const trainingIds = new Set(side('training').map((f) => f.id));
    const glyphs = JSON.parse(readFileSync(GLYPHS_PATH, 'utf8')) as { fonts: { id: string; family: string }[] };
    expect(glyphs.fonts.length).toBeGreaterThan(20);
    for (const f of glyphs.fonts) {
      expect(trainingIds.has(f.id), f.id).toBe(true);
      expect(evalIds.has(f.id), f.id).toBe(false);
      expect(evalFamilies.has(f.family), f.family).toBe(false);
    }
  });
});

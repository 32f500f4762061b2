import { describe, expect, it } from 'vitest';
import { decodePng, decodePngReduced, readPngInfo } from '../../shared/image/png';
import { PREPROCESS_SIDE, preprocessImage, reduceImage } from '../../shared/image/preprocess';
import { createRng } from '../../shared/rng';
import { encodeAnyPng, encodePng } from '../../scripts/lib/png';

// decodePngReduced: the same pixels as decodePng, box-averaged while the rows are decoded.

/** the reduction done by hand on decodePng's full-size output */
function boxAverage(full: { width: number; height: number; gray: Float32Array; alpha: Float32Array | null }, factor: number) {
  const W = Math.ceil(full.width / factor), H = Math.ceil(full.height / factor);
  const gray: number[] = [], alpha: number[] = [];
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      let n = 0, g = 0, a = 0, ga = 0;
      for (let y = Y * factor; y < Math.min(full.height, (Y + 1) * factor); y++) {
        for (let x = X * factor; x < Math.min(full.width, (X + 1) * factor); x++) {
          const i = y * full.width + x;
          const al = full.alpha ? full.alpha[i] : 1;
          n++;
          g += full.gray[i];
          a += al;
          ga += full.gray[i] * al;
        }
      }
      alpha.push(a / n);
      gray.push(full.alpha ? (a > 0 ? ga / a : g / n) : g / n);
    }
  }
  return { width: W, height: H, gray, alpha: full.alpha ? alpha : null };
}

function expectClose(actual: Float32Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  const bad = expected.findIndex((v, i) => !(Math.abs(actual[i] - v) <= 1e-3 * Math.max(1, Math.abs(v))));
  expect(bad, `first bad index ${bad}: ${actual[bad]} vs ${expected[bad]}`).toBe(-1);
}

const noise = (n: number, max: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.int(max + 1));
};

describe('decodePngReduced', () => {
  it('decodes an image that already fits exactly as decodePng does', async () => {
    const png = encodePng({ width: 40, height: 30, bitDepth: 8, colorType: 6, samples: noise(40 * 30 * 4, 255, 1) });
    expect(await decodePngReduced(png, 40)).toEqual(await decodePng(png));
  });

  // sizes that are not multiples of the factor leave smaller boxes on the right and bottom edges
  for (const [colorType, bitDepth, channels, name] of [
    [0, 8, 1, 'gray'],
    [0, 16, 1, '16-bit gray'],
    [0, 1, 1, '1-bit gray'],
    [2, 8, 3, 'RGB'],
    [4, 8, 2, 'gray+alpha'],
    [6, 16, 4, '16-bit RGBA'],
  ] as const) {
    it(`averages ${name} pixels in boxes, weighting luminance by alpha`, async () => {
      const width = 37, height = 23;
      const png = encodeAnyPng({ width, height, bitDepth, colorType, samples: noise(width * height * channels, (1 << bitDepth) - 1, colorType + bitDepth) });
      const expected = boxAverage(await decodePng(png), 4);
      const reduced = await decodePngReduced(png, 10); // 37 px → factor 4 → 10 × 6
      expect([reduced.width, reduced.height]).toEqual([10, 6]);
      expectClose(reduced.gray, expected.gray);
      if (expected.alpha) expectClose(reduced.alpha!, expected.alpha);
      else expect(reduced.alpha).toBeNull();
    });
  }

  it('keeps the colour of a half-transparent box from its visible pixels only', async () => {
    // one opaque black pixel among three fully transparent white ones
    const png = encodePng({ width: 2, height: 2, bitDepth: 8, colorType: 4, samples: [0, 255, 255, 0, 255, 0, 255, 0] });
    const { gray, alpha } = await decodePngReduced(png, 1);
    expect(gray[0]).toBe(0);
    expect(alpha![0]).toBe(0.25);
  });

  it('gives a large picture exactly the digit its full-size decode gives, with or without alpha', async () => {
    // a thick dark stroke on noisy paper, 500 px
    const side = 500;
    const rng = createRng(3);
    const gray = Array.from({ length: side * side }, (_, i) => {
      const x = i % side, y = Math.floor(i / side);
      const ink = Math.abs(x - 250) < 30 && y > 80 && y < 420 ? 1 : Math.hypot(x - 250, y - 120) < 90 && Math.hypot(x - 250, y - 120) > 60 ? 1 : 0;
      return Math.max(0, Math.min(255, 230 - 200 * ink + rng.int(9) - 4));
    });
    // the same strokes on a transparent canvas, as a drawing app exports them
    const strokes = gray.flatMap((v) => [20, 20, 20, Math.round((255 - v) * 0.9)]);
    for (const png of [
      encodePng({ width: side, height: side, bitDepth: 8, colorType: 0, samples: gray }),
      encodePng({ width: side, height: side, bitDepth: 8, colorType: 6, samples: strokes }),
    ]) {
    // the worker reduces while decoding, the browser (an ImageData) inside preprocessImage: the same digit
    const full = preprocessImage(await decodePng(png));
    const reduced = preprocessImage(await decodePngReduced(png, PREPROCESS_SIDE));
    expect(Array.from(reduced)).toEqual(Array.from(full));
    expect(await decodePngReduced(png, PREPROCESS_SIDE)).toEqual(reduceImage(await decodePng(png)));
    }
  });
});

describe('readPngInfo', () => {
  it('reads the checked header without decoding', () => {
    const png = encodePng({ width: 9, height: 4, bitDepth: 16, colorType: 2, samples: noise(9 * 4 * 3, 65535, 2) });
    expect(readPngInfo(png)).toEqual({ width: 9, height: 4, bitDepth: 16, colorType: 2, dataBytes: 4 * 54 }); // 4 rows of 9 × 6 bytes
  });

  it('applies the limits, including the one on pixel data', () => {
    const png = encodePng({ width: 9, height: 4, bitDepth: 16, colorType: 2, samples: noise(9 * 4 * 3, 65535, 2) });
    // 4 rows of 9 × 6 bytes
    expect(() => readPngInfo(png, { maxDataBytes: 4 * 54 - 1 })).toThrow(expect.objectContaining({ code: 'image_too_large', status: 413 }));
    expect(() => readPngInfo(png, { maxDataBytes: 4 * 54 })).not.toThrow();
    expect(() => readPngInfo(png, { maxWidth: 8 })).toThrow(expect.objectContaining({ code: 'image_too_large' }));
  });
});

import { describe, expect, it } from 'vitest';
import { firstTrainingDigits } from './mnist-digits';
import { D } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { DEFAULT_PHOTO, photograph, photoRoundTrip } from '../../shared/train/photo';

const digits = firstTrainingDigits(30);

/** pearson correlation of two images */
function correlation(a: Float32Array, b: Float32Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < D; i++) { ma += a[i] / D; mb += b[i] / D; }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < D; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2; }
  return ab / Math.sqrt(aa * bb);
}

describe('photograph', () => {
  it('makes an opaque 8-bit picture at least as large as the enlarged digit', () => {
    const p = photograph(digits[0], createRng(1));
    expect(p.alpha).toBeNull();
    expect(p.width).toBeGreaterThanOrEqual(28 * DEFAULT_PHOTO.minZoom);
    expect(p.gray.length).toBe(p.width * p.height);
    expect(Array.from(p.gray.filter((v) => !(Number.isInteger(v) && v >= 0 && v <= 255)))).toEqual([]);
  });

  it('gives the same picture for the same seed and another for another seed', () => {
    expect(photograph(digits[1], createRng(5)).gray).toEqual(photograph(digits[1], createRng(5)).gray);
    expect(photograph(digits[1], createRng(5)).gray).not.toEqual(photograph(digits[1], createRng(6)).gray);
  });

  it('prints ink darker than the paper unless inverted', () => {
    const p = photograph(digits[2], createRng(3), { ...DEFAULT_PHOTO, inverted: 0, maxNoise: 0, maxBlock: 0, maxShade: 0 });
    const sorted = Array.from(p.gray).sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(sorted[sorted.length - 1] - DEFAULT_PHOTO.minContrast + 1);
  });
});

describe('photoRoundTrip', () => {
  it('reads most photos back as the same digit shape, 784 values in [0, 1]', () => {
    const out = new Float32Array(D);
    const rng = createRng(11);
    let close = 0;
    for (const d of digits) {
      expect(photoRoundTrip(out, d, rng)).toBe(true);
      expect(Array.from(out.filter((v) => !(v >= 0 && v <= 1)))).toEqual([]);
      if (correlation(out, d) > 0.8) close++;
    }
    expect(close).toBeGreaterThanOrEqual(27);
  });
});

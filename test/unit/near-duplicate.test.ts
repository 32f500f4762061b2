import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, PIXEL_MAX } from '../../shared/dims';
import { distance, inkOf, NEAR_DISTANCE, signature } from '../../worker/near-duplicate';
import { firstTrainingDigits } from './mnist-digits';

// worker/near-duplicate.ts: a drawing with a few pixels changed is the same drawing; two people's
// digits are not. on real MNIST digits, as people drew them.

const digits = firstTrainingDigits(2000).map((d) => Uint8Array.from(d, (v) => Math.round(v * PIXEL_MAX)));

describe('near-duplicates', () => {
  it('any one pixel changed to any value stays within NEAR_DISTANCE, and so do four', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: digits.length - 1 }), fc.array(fc.tuple(fc.integer({ min: 0, max: D - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (i, changes) => {
        const changed = Uint8Array.from(digits[i]);
        for (const [at, value] of changes) changed[at] = value;
        expect(distance(signature(digits[i]), signature(changed))).toBeLessThanOrEqual(NEAR_DISTANCE);
      }),
      { numRuns: 500 },
    );
  });

  it('no two of 2,000 MNIST digits are near-duplicates of each other', () => {
    const sigs = digits.map(signature);
    let closest = Infinity;
    for (let i = 0; i < sigs.length; i++) for (let j = i + 1; j < sigs.length; j++) closest = Math.min(closest, distance(sigs[i], sigs[j], closest));
    expect(closest).toBeGreaterThan(NEAR_DISTANCE);
  });

  it('two signatures are at least their difference in ink apart, which is what the search by ink relies on', () => {
    for (let i = 0; i + 1 < 200; i++) {
      const a = signature(digits[i]);
      const b = signature(digits[i + 1]);
      expect(distance(a, b)).toBeGreaterThanOrEqual(Math.abs(inkOf(a) - inkOf(b)));
    }
  });

  it('stops counting past the limit, but never answers within it when the distance is not', () => {
    const a = signature(digits[0]);
    const b = signature(digits[1]);
    const full = distance(a, b);
    expect(distance(a, b, 5)).toBeGreaterThan(5);
    expect(distance(a, b, 5)).toBeLessThanOrEqual(full);
    expect(distance(a, a, 0)).toBe(0);
  });
});

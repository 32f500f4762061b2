import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../scripts/lib/mnist';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { createShapeScratch, inkParts, type Part } from '../../shared/model/uncertainty';
import { createRng } from '../../shared/rng';

// shared/model/uncertainty.ts finds the marks of ink by runs; the flood fill below, the one it
// replaced, is the reference: the same marks, in the same order, with the same masses and bounds.

const S = IMAGE_SIDE;
const INK = 64;
const P = S + 2;

/** the reference: a stack fill over a padded mask, each mark in the order of its first pixel, its mass summed pixel by pixel */
function floodParts(pixels: Float32Array): Part[] {
  const ink = new Uint8Array(P * P);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (pixels[y * S + x] >= INK) ink[(y + 1) * P + x + 1] = 1;
  const found: Part[] = [];
  const stack: number[] = [];
  for (let start = P + 1; start < P * (P - 1); start++) {
    if (ink[start] === 0) continue;
    ink[start] = 0;
    const part = { mass: 0, left: S, right: -1, top: S, bottom: -1 };
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = (i % P) - 1, y = Math.floor(i / P) - 1;
      part.mass += pixels[y * S + x];
      part.left = Math.min(part.left, x);
      part.right = Math.max(part.right, x);
      part.top = Math.min(part.top, y);
      part.bottom = Math.max(part.bottom, y);
      for (const j of [i - P - 1, i - P, i - P + 1, i - 1, i + 1, i + P - 1, i + P, i + P + 1]) {
        if (ink[j] !== 0) {
          ink[j] = 0;
          stack.push(j);
        }
      }
    }
    found.push(part);
  }
  return found;
}

const scratch = createShapeScratch();
const expectSameParts = (pixels: Float32Array, what: string) => expect(inkParts(pixels, scratch), what).toEqual(floodParts(pixels));

describe('the marks of ink, found by runs', () => {
  it('are the flood fill\'s for the first 1000 MNIST test digits', () => {
    const images = loadMnist().test.images;
    for (let i = 0; i < 1000; i++) expectSameParts(Float32Array.from(images.subarray(i * D, (i + 1) * D)), `test digit ${i}`);
  });

  it('are the flood fill\'s for images with nothing, everything, a checkerboard, diagonals and a spiral of ink', () => {
    const of = (f: (x: number, y: number) => number) => Float32Array.from({ length: D }, (_, i) => f(i % S, Math.floor(i / S)));
    expectSameParts(of(() => 0), 'blank');
    expectSameParts(of(() => 255), 'all ink');
    expectSameParts(of((x, y) => ((x + y) % 2 ? 255 : 0)), 'checkerboard: diagonal neighbours only');
    expectSameParts(of((x, y) => (x === y || x === S - 1 - y ? 200 : 0)), 'an X');
    expectSameParts(of((x, y) => (x % 3 === 0 ? 255 : 0)), 'columns two apart: separate marks');
    expectSameParts(of((x, y) => (Math.max(Math.abs(x - 13.5), Math.abs(y - 13.5)) % 4 < 1.5 && !(y === 13 && x > 13) ? 255 : 0)), 'nested squares cut on one side');
    expectSameParts(of((x, y) => (y % 2 === 0 || (y % 4 === 1 ? x === S - 1 : x === 0) ? 255 : 0)), 'a snake joined at alternate ends');
  });

  it('are the flood fill\'s for random images of any density, with fractional pixels', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (seed, density, fractional) => {
        const rng = createRng(seed >>> 0);
        const pixels = Float32Array.from({ length: D }, () => (rng.uniform() < density ? (fractional ? 64 + rng.uniform() * 191 : 64 + rng.int(192)) : rng.int(64)));
        expectSameParts(pixels, `seed ${seed}, density ${density}`);
      }),
      { numRuns: 500 },
    );
  });
});

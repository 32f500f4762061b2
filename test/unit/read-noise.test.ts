import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../shared/image/decoded';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { MAX_CANDIDATES, readPicture } from '../../shared/model/read';
import { createRng } from '../../shared/rng';

// speckled noise on POST /read (bench:edge's costliest PNG class): whatever its density, one forward
// pass of at most MAX_CANDIDATES candidates, or a 422 before any. the work is counted, never timed.

const W = 600, H = 200;

/** a 600×200 sheet (235) with `density` of its pixels dark (30), ±3 grain: bench:edge's noise at 0.2 */
function speckled(density: number, seed: number) {
  const rng = createRng(seed);
  const gray = Float32Array.from({ length: W * H }, () => (rng.uniform() < density ? 30 : 235) + rng.int(7) - 3);
  return { width: W, height: H, gray, alpha: null };
}

describe('POST /read on speckled noise', () => {
  it('makes one forward pass of at most MAX_CANDIDATES candidates at every density, or refuses it with a 422', async () => {
    const model = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
    for (const density of [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7]) {
      const passes: number[] = [];
      const counting = { predictPacked: (pixels: Float32Array, B: number) => (passes.push(B), model.predictPacked(pixels, B)) };
      try {
        const reading = readPicture(speckled(density, 5), counting);
        expect(reading.uncertain, `density ${density}`).toBe(true);
      } catch (e) {
        expect(e, `density ${density}`).toBeInstanceOf(ImageError);
        expect((e as ImageError).status).toBe(422);
      }
      expect(passes.length, `density ${density}`).toBeLessThanOrEqual(1);
      for (const B of passes) expect(B, `density ${density}`).toBeLessThanOrEqual(MAX_CANDIDATES);
    }
  });
});

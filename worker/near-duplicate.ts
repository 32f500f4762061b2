import { D, IMAGE_SIDE } from '../shared/dims';

// near-duplicates among corrections: two drawings are "the same" when their coarse versions are close,
// not only when every pixel matches, so a sender cannot store one drawing many times by changing a
// pixel or two. the coarse version (the signature) is each 2×2 block of the 28×28 as 16 levels of ink;
// two drawings are near-duplicates when their signatures differ by at most NEAR_DISTANCE levels in all.
// a distance and not an exact key on the coarse image: any rounding has edges, and one pixel moved
// across one would give a new key; a distance has no edges to push against.

/** blocks per side (28 / 2) and in all */
export const SIGNATURE_SIDE = IMAGE_SIDE / 2;
export const SIGNATURE_LENGTH = SIGNATURE_SIDE * SIGNATURE_SIDE; // 196

/** levels of ink per block: 0..15 */
const LEVELS = 15;
/** the most a 2×2 block can hold: four pixels of 255 */
const BLOCK_MAX = 4 * 255;

/**
 * signatures at most this far apart (levels summed over the 196 blocks) are one drawing. a pixel changed
 * from 0 to 255 moves its block by at most 4 levels, so 4 such pixels (or more, smaller changes) stay
 * within it; no two of the 10,000 MNIST test digits are this close (their nearest neighbours: 17 at
 * the least, 26 at the 1st percentile, 145 at the median).
 */
export const NEAR_DISTANCE = 16;

/** the signature of a (D) 28×28 image, values 0..255 */
export function signature(pixels: Uint8Array): Uint8Array {
  if (pixels.length !== D) throw new Error(`a signature needs ${D} pixels, got ${pixels.length}`);
  const out = new Uint8Array(SIGNATURE_LENGTH);
  for (let by = 0; by < SIGNATURE_SIDE; by++) {
    for (let bx = 0; bx < SIGNATURE_SIDE; bx++) {
      const i = 2 * by * IMAGE_SIDE + 2 * bx;
      const sum = pixels[i] + pixels[i + 1] + pixels[i + IMAGE_SIDE] + pixels[i + IMAGE_SIDE + 1];
      out[by * SIGNATURE_SIDE + bx] = Math.round((sum * LEVELS) / BLOCK_MAX);
    }
  }
  return out;
}

/** the total ink of a signature: two signatures are at least |ink(a) - ink(b)| apart, which narrows the search */
export function inkOf(sig: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < sig.length; i++) sum += sig[i];
  return sum;
}

/** the L1 distance between two signatures, stopping once it passes `limit` (the answer is then > limit) */
export function distance(a: Uint8Array, b: Uint8Array, limit = Infinity): number {
  let d = 0;
  for (let i = 0; i < SIGNATURE_LENGTH && d <= limit; i++) d += Math.abs(a[i] - b[i]);
  return d;
}

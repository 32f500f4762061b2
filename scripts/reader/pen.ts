// training digits redrawn along their centre line with a round pen of even width, as a finger or a
// stylus draws on a canvas (the number pad, a phone's drawing app): MNIST's strokes swell and thin as a
// pen on paper does, and the reader's lines otherwise only make them thinner or thicker as a whole.
import { D, IMAGE_SIDE, PIXEL_MAX } from '../../shared/dims';
import type { Rng } from '../../shared/rng';
import type { DigitSource } from '../../shared/train/number-pieces';
import { MNIST_UP, mnistUpsampled } from '../eval/ink';
import { createRaster, drawSegment, resize } from '../eval/raster';
import { centreLine } from '../eval/skeleton';

/** the pen's radius as a share of the digit's height: a fine stylus to a broad finger */
const RADIUS: [number, number] = [0.01, 0.08];

/** digits a pen is kept for, on average: about a training line's (shared/train/line-set.ts draws 1–8) */
const RUN = 4.5;

/**
 * `source`, with `share` of its digits redrawn with a round pen of a random width. a line is written
 * with one pen: the choice (redrawn or not, and the width) is kept for runs of about a line's digits
 */
export function penSource(source: DigitSource, rng: Rng, share: number): DigitSource {
  let redraw = false, width = 0;
  return (i) => {
    const digit = source(i);
    if (rng.uniform() < 1 / RUN) [redraw, width] = [rng.uniform() < share, RADIUS[0] + (RADIUS[1] - RADIUS[0]) * rng.uniform()];
    if (!redraw) return digit;
    const up = mnistUpsampled(digit.image, MNIST_UP);
    const segments = centreLine(up);
    if (segments.length === 0) return digit;
    let top = Infinity, bottom = -Infinity;
    for (const s of segments) {
      top = Math.min(top, s[1], s[3]);
      bottom = Math.max(bottom, s[1], s[3]);
    }
    const radius = Math.max(0.5, (bottom - top + 1) * width);
    const canvas = createRaster(up.width, up.height);
    for (const [x0, y0, x1, y1] of segments) drawSegment(canvas, x0, y0, x1, y1, radius);
    const small = resize(canvas, IMAGE_SIDE, IMAGE_SIDE);
    const image = new Uint8Array(D);
    for (let k = 0; k < D; k++) image[k] = Math.round(PIXEL_MAX * Math.min(1, small.data[k]));
    return { image, label: digit.label };
  };
}

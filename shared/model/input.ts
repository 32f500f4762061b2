import { D, IMAGE_SIDE, PIXEL_MAX } from '../dims';
import { deskew } from '../image/normalize';
import type { ModelHeader } from './format';

// the one conversion from pixels (0..255, D per image) to what a network reads. the model file
// says how (header.architecture): the trainer, the evaluators, the Worker and the browser all come
// through here, so a model is always served the inputs it was trained on.

/** how a model reads its input: pixel × scale, then straightened by its moments when deskew is set */
export interface InputSpec {
  scale: number; // 1/255, or 1 for the seed article's raw pixels
  deskew: boolean; // shared/image/normalize.ts deskew, on the scaled image
}

/** pixels / 255 as they are: every model file written before deskew existed */
export const PLAIN_INPUT: InputSpec = { scale: 1 / PIXEL_MAX, deskew: false };

/** the input a model file asks for; a file without architecture.deskew is not deskewed */
export const inputSpecOf = (header: ModelHeader): InputSpec => ({
  scale: header.architecture.inputScale,
  deskew: header.architecture.deskew ?? false,
});

/** the D values a deskew reads from; one per caller, reused for every image */
export const createInputScratch = (): Float32Array => new Float32Array(D);

/**
 * x[at, at + D) = the network input of pixels[from, from + D) (0..255). scratch comes from
 * createInputScratch; nothing is allocated beyond a view when the spec deskews.
 */
export function writeInput(x: Float32Array, at: number, pixels: ArrayLike<number>, from: number, spec: InputSpec, scratch: Float32Array): void {
  const { scale } = spec;
  if (!spec.deskew) {
    for (let d = 0; d < D; d++) x[at + d] = pixels[from + d] * scale;
    return;
  }
  for (let d = 0; d < D; d++) scratch[d] = pixels[from + d] * scale;
  deskew(x.subarray(at, at + D), scratch, IMAGE_SIDE);
}

/**
 * the last step of writeInput, for an image already scaled in place at x[at, at + D) (the
 * trainer's augmented images): deskews it when the spec asks.
 */
export function finishInput(x: Float32Array, at: number, spec: InputSpec, scratch: Float32Array): void {
  if (!spec.deskew) return;
  for (let d = 0; d < D; d++) scratch[d] = x[at + d];
  deskew(x.subarray(at, at + D), scratch, IMAGE_SIDE);
}

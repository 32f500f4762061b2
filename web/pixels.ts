// pictures in the browser to the 784 values the model reads, through shared/preprocess.ts: the
// same code the worker runs on uploads and the trainer's data was shaped like.

import { D, IMAGE_SIDE, PIXEL_MAX } from '../shared/dims';
import type { DecodedImage } from '../shared/image/decoded';
import { preprocessImage, preprocessPixels } from '../shared/image/preprocess';

/** (D) whole numbers 0..255, ink bright on black: what is sent, classified locally and stored as feedback */
export type Pixels = number[];

const toInts = (values: ArrayLike<number>): Pixels => Array.from(values, (v) => Math.round(v));

/** the pad's ink (its alpha channel, side × side) to the mnist image */
export function pixelsFromInk(ink: Float32Array, side: number): Pixels {
  return toInts(preprocessPixels(ink, side));
}

/** any RGBA picture, dark-on-light, light-on-dark or strokes on transparent, to the mnist image */
export function pixelsFromImageData(image: ImageData): Pixels {
  const n = image.width * image.height;
  const gray = new Float32Array(n); // (height, width) luminance 0..255
  const alpha = new Float32Array(n); // (height, width) 0..1
  const { data } = image;
  let opaque = true;
  for (let i = 0; i < n; i++) {
    gray[i] = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
    alpha[i] = data[4 * i + 3] / PIXEL_MAX;
    if (alpha[i] < 1) opaque = false;
  }
  const decoded: DecodedImage = { width: image.width, height: image.height, gray, alpha: opaque ? null : alpha };
  return toInts(preprocessImage(decoded));
}

/** draws the 784 values onto a 28×28 canvas as the model sees them: ink white on black */
export function drawPixels(canvas: HTMLCanvasElement, pixels: Pixels | null): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < D; i++) {
    const v = pixels ? pixels[i] : 0;
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

import { D, IMAGE_SIDE } from '../shared/dims';
import { decodePng } from '../shared/image/png';
import { preprocessImage } from '../shared/image/preprocess';
import { ApiError } from './errors';
import type { Limits } from './limits';

// an uploaded PNG to the 784 values the model reads. decoding and preprocessing are shared/'s
// (the browser runs the same code); their ImageErrors reach onError unchanged.

export async function pixelsFromPng(bytes: Uint8Array, preprocess: boolean, limits: Limits): Promise<Float32Array> {
  const img = await decodePng(bytes, { maxBytes: limits.imageBytes, maxWidth: limits.imageSide, maxHeight: limits.imageSide });
  if (preprocess) return preprocessImage(img);
  if (img.width !== IMAGE_SIDE || img.height !== IMAGE_SIDE) {
    throw new ApiError(
      422,
      'unusable_image',
      `preprocess=false needs a ${IMAGE_SIDE}×${IMAGE_SIDE} image (ink bright on dark), got ${img.width}×${img.height}; leave preprocess on to have it scaled`,
    );
  }
  // as it is: luminance, with transparent pixels as black background
  const out = new Float32Array(D);
  for (let i = 0; i < D; i++) out[i] = img.gray[i] * (img.alpha ? img.alpha[i] : 1);
  return out;
}

import { D, IMAGE_SIDE } from '../shared/dims';
import { decodePng } from '../shared/image/png';
import { preprocessImage } from '../shared/image/preprocess';
import { IMAGE_LIMIT } from './routes';
import { ApiError } from './errors';

// an uploaded PNG to the 784 values the model reads. decoding and preprocessing are shared/'s
// (the browser runs the same code); their ImageErrors reach onError unchanged.

export const MAX_IMAGE_SIDE = 1024;

export async function pixelsFromPng(bytes: Uint8Array, preprocess: boolean): Promise<Float32Array> {
  const img = await decodePng(bytes, { maxBytes: IMAGE_LIMIT, maxWidth: MAX_IMAGE_SIDE, maxHeight: MAX_IMAGE_SIDE });
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

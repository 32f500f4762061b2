import { D, IMAGE_SIDE } from '../shared/dims';
import { decodePng, decodePngReduced, readPngInfo, type PngLimits } from '../shared/image/png';
import { PREPROCESS_SIDE, preprocessImage } from '../shared/image/preprocess';
import { ApiError } from './errors';
import type { Limits } from '../shared/limits';

// an uploaded PNG to the 784 values the model reads. decoding and preprocessing are shared/'s
// (the browser runs the same code); their ImageErrors reach onError unchanged.

export const pngLimits = (l: Limits): PngLimits => ({ maxBytes: l.imageBytes, maxWidth: l.imageSide, maxHeight: l.imageSide, maxDataBytes: l.imageDataBytes });

export async function pixelsFromPng(bytes: Uint8Array, preprocess: boolean, limits: Limits): Promise<Float32Array> {
  // reduced while decoding, as preprocessImage would reduce it: a large upload never exists at full size as floats
  if (preprocess) return preprocessImage(await decodePngReduced(bytes, PREPROCESS_SIDE, pngLimits(limits)));
  // as it is: only a 28×28 image, refused from its header before anything is inflated
  const { width, height } = readPngInfo(bytes, pngLimits(limits));
  if (width !== IMAGE_SIDE || height !== IMAGE_SIDE) {
    throw new ApiError(
      422,
      'unusable_image',
      `preprocess=false needs a ${IMAGE_SIDE}×${IMAGE_SIDE} image (ink bright on dark), got ${width}×${height}; leave preprocess on to have it scaled`,
    );
  }
  const img = await decodePng(bytes, pngLimits(limits));
  // luminance, with transparent pixels as black background
  const out = new Float32Array(D);
  for (let i = 0; i < D; i++) out[i] = img.gray[i] * (img.alpha ? img.alpha[i] : 1);
  return out;
}

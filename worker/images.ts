import { D, IMAGE_SIDE } from '../shared/dims';
import { decodeImageReduced, readImageSize, type ImageFormat, type ImageLimits } from '../shared/image/decode';
import { decodePng, type PngLimits } from '../shared/image/png';
import { decodeJpeg } from '../shared/image/jpeg/jpeg';
import { PREPROCESS_SIDE, preprocessImage } from '../shared/image/preprocess';
import { ApiError } from './errors';
import { JPEG_LIMITS, type Limits } from '../shared/limits';

// an uploaded PNG or JPEG to the 784 values the model reads. decoding and preprocessing are shared/'s
// (the browser runs the same code); their ImageErrors reach onError unchanged.

export const pngLimits = (l: Limits): PngLimits => ({ maxBytes: l.imageBytes, maxWidth: l.imageSide, maxHeight: l.imageSide, maxDataBytes: l.imageDataBytes });

export const imageLimits = (l: Limits): ImageLimits => {
  const jpeg = JPEG_LIMITS[l.plan];
  return { png: pngLimits(l), jpeg: { maxBytes: jpeg.jpegBytes, maxPixels: jpeg.jpegPixels } };
};

/** the format an upload claimed (its Content-Type), if any; the bytes decide what is decoded */
export async function pixelsFromImage(bytes: Uint8Array, preprocess: boolean, limits: Limits, declared?: ImageFormat): Promise<Float32Array> {
  const max = imageLimits(limits);
  // reduced while decoding, as preprocessImage would reduce it: a large upload never exists at full size as floats
  if (preprocess) return preprocessImage(await decodeImageReduced(bytes, PREPROCESS_SIDE, max, declared));
  // as it is: only a 28×28 image, refused from its header before anything is decoded
  const { format, width, height } = readImageSize(bytes, max, declared);
  if (width !== IMAGE_SIDE || height !== IMAGE_SIDE) {
    throw new ApiError(
      422,
      'unusable_image',
      `preprocess=false needs a ${IMAGE_SIDE}×${IMAGE_SIDE} image (ink bright on dark), got ${width}×${height}; leave preprocess on to have it scaled`,
    );
  }
  const img = format === 'png' ? await decodePng(bytes, max.png) : decodeJpeg(bytes, max.jpeg);
  // luminance, with transparent pixels as black background
  const out = new Float32Array(D);
  for (let i = 0; i < D; i++) out[i] = img.gray[i] * (img.alpha ? img.alpha[i] : 1);
  return out;
}

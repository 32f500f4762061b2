import { ImageError, type DecodedImage } from './decoded';
import { decodeJpegReduced, isJpeg, readJpegInfo, type JpegDetail, type JpegLimits } from './jpeg/jpeg';
import { decodePngReduced, isPng, readPngInfo, type PngLimits } from './png';

export type { JpegDetail } from './jpeg/jpeg';

// one door for uploaded pictures: the bytes say what they are (a PNG signature or a JPEG start of
// image), whatever the Content-Type claimed, and each format's decoder checks its own limits.

export interface ImageLimits {
  png: Partial<PngLimits>;
  jpeg: Partial<JpegLimits>;
}

export type ImageFormat = 'png' | 'jpeg';

/** what the magic bytes say, or null for neither */
export const sniffImage = (bytes: Uint8Array): ImageFormat | null => (isPng(bytes) ? 'png' : isJpeg(bytes) ? 'jpeg' : null);

/**
 * the picture's luminance (and alpha for PNGs), its longer side reduced to at most maxSide.
 * `declared` is the format the upload claimed, to name in the error when the bytes are neither;
 * `jpeg` how exactly a JPEG is decoded (exactly unless asked).
 * throws ImageError: 415 not_png / not_jpeg / not_an_image, and each decoder's 400, 413 and 422.
 */
export async function decodeImageReduced(bytes: Uint8Array, maxSide: number, limits: ImageLimits, declared?: ImageFormat, jpeg?: JpegDetail): Promise<DecodedImage> {
  const format = formatOf(bytes, declared);
  return format === 'png' ? decodePngReduced(bytes, maxSide, limits.png) : decodeJpegReduced(bytes, maxSide, limits.jpeg, jpeg);
}

/** the upright size from the header alone, checked against the limits; dataBytes: a PNG's inflated pixel data (0 for a JPEG) */
export function readImageSize(bytes: Uint8Array, limits: ImageLimits, declared?: ImageFormat): { format: ImageFormat; width: number; height: number; dataBytes: number } {
  const format = formatOf(bytes, declared);
  if (format === 'png') {
    const { width, height, dataBytes } = readPngInfo(bytes, limits.png);
    return { format, width, height, dataBytes };
  }
  const { width, height } = readJpegInfo(bytes, limits.jpeg);
  return { format, width, height, dataBytes: 0 };
}

function formatOf(bytes: Uint8Array, declared: ImageFormat | undefined): ImageFormat {
  const format = sniffImage(bytes);
  if (format) return format;
  if (declared === 'png') throw new ImageError('not_png', 'this is not a PNG file (it does not start with the PNG signature); upload a .png or .jpg image', 415);
  if (declared === 'jpeg') throw new ImageError('not_jpeg', 'this is not a JPEG file (it does not start with the JPEG start-of-image marker); upload a .jpg or .png image', 415);
  throw new ImageError('not_an_image', 'this file is neither a PNG nor a JPEG (judged by its first bytes); upload a .png or .jpg image', 415);
}

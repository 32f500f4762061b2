// how big a photo may be sent: the size a picture is reduced to in the browser before it goes to
// POST /classify as a gray png (shared/image/png-encode.ts), and whether a png can go up as it is.
// no DOM here, so the unit tests run it under Node.

import { grayPngBytes, grayPngDataBytes } from '../../shared/image/png-encode';
import { LIMITS, type Limits } from '../../shared/limits';

/**
 * the longest side a photo is sent at: preprocessing averages every picture down to 128 px a side
 * before it looks for ink (shared/image/preprocess.ts PREPROCESS_SIDE), so twice that loses nothing
 */
export const PHOTO_SIDE = 256;

/** the share of each of the plan's limits a reduced photo may use: well inside them, never at the edge */
export const LIMIT_SHARE = 0.75;

/** the free plan's: a page cannot know which plan the Worker runs on, and free is the smaller */
export const PHOTO_LIMITS: Limits = LIMITS.free;

export interface Size {
  width: number;
  height: number;
}

/** width × height scaled so that its longer side is `side` (at least 1 px each way) */
export function scaledToSide(width: number, height: number, side: number): Size {
  const scale = side / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * the longest side a photo of a number is sent at (POST /read): its digits side by side need the
 * width a single digit does not; the plan's limits (below) still shrink it
 */
export const NUMBER_PHOTO_SIDE = 640;

/**
 * the size to reduce a width × height picture to, keeping its shape: the longer side at most
 * `maxSide` (PHOTO_SIDE) and the plan's image side, its gray png (with alpha when `hasAlpha`) within
 * LIMIT_SHARE of the plan's file and pixel-data limits. never larger than the picture
 */
export function photoSize(width: number, height: number, hasAlpha: boolean, limits: Limits = PHOTO_LIMITS, maxSide = PHOTO_SIDE): Size {
  if (!(width > 0 && height > 0)) throw new RangeError(`photoSize: a ${width}×${height} picture has no pixels`);
  let side = Math.min(maxSide, limits.imageSide, Math.max(width, height));
  for (;;) {
    const size = scaledToSide(width, height, side);
    const bytes = grayPngBytes(size.width, size.height, hasAlpha);
    const data = grayPngDataBytes(size.width, size.height, hasAlpha);
    const over = Math.max(bytes / (LIMIT_SHARE * limits.imageBytes), data / (LIMIT_SHARE * limits.imageDataBytes));
    if (over <= 1 || side <= 1) return size;
    // pixel data grows with the side squared: shrink by the square root, and a pixel more for rounding
    side = Math.max(1, Math.min(side - 1, Math.floor(side / Math.sqrt(over))));
  }
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** samples per pixel of each png colour type */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * true when the bytes are a png the Worker takes as it is on the plan, judged from its header alone
 * (size, side, pixel data, no interlacing): sent unchanged, the answer is the Worker's own for that
 * file, and a file broken past its header gets the Worker's own error. the header is read here
 * rather than with shared/image/png.ts, which would add the whole decoder to every browser bundle
 */
export function pngFitsAsIs(bytes: Uint8Array, limits: Limits = PHOTO_LIMITS): boolean {
  if (bytes.length > limits.imageBytes || bytes.length < 33) return false;
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return false;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth, colorType, , , interlace] = bytes.subarray(24, 29);
  const channels = CHANNELS[colorType];
  if (!channels || width === 0 || height === 0 || interlace !== 0) return false;
  if (width > limits.imageSide || height > limits.imageSide) return false;
  // height × (filter byte + the row's bytes): what the Worker's imageDataBytes counts
  return height * (1 + Math.ceil((width * channels * bitDepth) / 8)) <= limits.imageDataBytes;
}

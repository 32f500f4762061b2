// how big a photo may be sent: the size a picture is reduced to in the browser before it goes to
// POST /classify as a gray png (shared/image/png-encode.ts), and whether a png can go up as it is.
// no DOM here, so the unit tests run it under Node.

import { grayPngBytes, grayPngDataBytes } from '../../shared/image/png-encode';
import { readPngInfo, type PngLimits } from '../../shared/image/png';
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
 * the size to reduce a width × height picture to, keeping its shape: the longer side at most
 * PHOTO_SIDE and the plan's image side, its gray png (with alpha when `hasAlpha`) within
 * LIMIT_SHARE of the plan's file and pixel-data limits. never larger than the picture
 */
export function photoSize(width: number, height: number, hasAlpha: boolean, limits: Limits = PHOTO_LIMITS): Size {
  if (!(width > 0 && height > 0)) throw new RangeError(`photoSize: a ${width}×${height} picture has no pixels`);
  let side = Math.min(PHOTO_SIDE, limits.imageSide, Math.max(width, height));
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

/** the plan's limits as the png decoder takes them (as worker/images.ts passes them) */
export const pngLimitsOf = (l: Limits): PngLimits => ({ maxBytes: l.imageBytes, maxWidth: l.imageSide, maxHeight: l.imageSide, maxDataBytes: l.imageDataBytes });

/** true when the bytes are a png the Worker takes as it is on the plan: sent unchanged, the answer is the Worker's own for that file */
export function pngFitsAsIs(bytes: Uint8Array, limits: Limits = PHOTO_LIMITS): boolean {
  if (bytes.length > limits.imageBytes) return false;
  try {
    readPngInfo(bytes, pngLimitsOf(limits));
    return true;
  } catch {
    return false;
  }
}

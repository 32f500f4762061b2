import { ImageError } from '../decoded';

// the jpeg decoder's errors and limits: every problem is an ImageError the worker answers as it is.

export interface JpegLimits {
  /** largest accepted file, in bytes */
  maxBytes: number;
  /** most pixels the frame header may declare (width × height): what memory and block count grow with */
  maxPixels: number;
}

export const DEFAULT_JPEG_LIMITS: Readonly<JpegLimits> = { maxBytes: 1024 * 1024, maxPixels: 4_000_000 };

/** segments (markers with a length) a file may have: real encoders write a dozen, progressive ones a few dozen */
export const MAX_SEGMENTS = 256;
/** scans a file may have: libjpeg's progressive script writes 10 for colour, 6 for gray */
export const MAX_SCANS = 64;
/**
 * coefficients of each luminance block a progressive file's scans may visit, summed over its scans:
 * libjpeg visits each coefficient 3 times (a first pass and two refinements), 191 a block; 5 passes
 * over all 64 are allowed. without it, 60 refining scans of 3 bytes each, every one ending all blocks
 * at once, cost a 512² picture 60 × 63 visits a block (33 ms of CPU for a 1.4 KiB file).
 */
export const MAX_VISITS_PER_BLOCK = 5 * 64;

export function badJpeg(what: string): ImageError {
  return new ImageError('bad_jpeg', `${what}; the file is corrupted or not a valid JPEG, re-export it and try again`, 400);
}

export function unsupportedJpeg(what: string): ImageError {
  return new ImageError('unsupported_jpeg', `${what}; save it as an ordinary (baseline or progressive) colour or gray JPEG, or as a PNG`, 422);
}

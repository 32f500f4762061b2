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

export function badJpeg(what: string): ImageError {
  return new ImageError('bad_jpeg', `${what}; the file is corrupted or not a valid JPEG, re-export it and try again`, 400);
}

export function unsupportedJpeg(what: string): ImageError {
  return new ImageError('unsupported_jpeg', `${what}; save it as an ordinary (baseline or progressive) colour or gray JPEG, or as a PNG`, 422);
}

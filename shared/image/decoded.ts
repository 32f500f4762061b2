// the decoded-image shape and the one error type shared by the png decoder and preprocessing,
// so the worker can turn any image problem into an http response with a single catch.

/** a decoded image reduced to what digit recognition needs */
export interface DecodedImage {
  width: number;
  height: number;
  /** (height, width) luminance 0..255, row-major */
  gray: Float32Array;
  /** (height, width) alpha 0..1, or null when the image has no alpha */
  alpha: Float32Array | null;
}

/**
 * a problem with an uploaded image, phrased for the person who uploaded it.
 * `code` is stable and machine-readable; `status` is the http status to answer with.
 */
export class ImageError extends Error {
  constructor(
    public code: string,
    message: string,
    public status: 400 | 413 | 415 | 422,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

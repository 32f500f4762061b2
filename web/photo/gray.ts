// a reduced photo as the bytes that are sent (an 8-bit gray png, with alpha only when some pixel is
// not opaque) and as the DecodedImage the Worker decodes from that png, so the browser can run the
// same preprocessing on it and know the crop the Worker chose. no DOM here: tested under Node.

import type { DecodedImage } from '../../shared/image/decoded';
import { encodeGrayPng } from '../../shared/image/png-encode';

/** a picture as 8-bit luminance and alpha, the way it is sent */
export interface GrayPhoto {
  width: number;
  height: number;
  /** (height, width) luminance 0..255 */
  gray: Uint8Array;
  /** (height, width) alpha 0..255, or null when every pixel is opaque */
  alpha: Uint8Array | null;
}

/** (height, width, 4) RGBA bytes, as getImageData gives them, to luminance (the weights pixels.ts uses) and alpha */
export function grayFromRgba(data: ArrayLike<number>, width: number, height: number): GrayPhoto {
  const n = width * height;
  if (data.length !== 4 * n) throw new RangeError(`grayFromRgba: ${data.length} bytes are not a ${width}x${height} RGBA image`);
  const gray = new Uint8Array(n);
  const alpha = new Uint8Array(n);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    gray[i] = Math.round(0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]);
    alpha[i] = data[4 * i + 3];
    if (alpha[i] < 255) opaque = false;
  }
  return { width, height, gray, alpha: opaque ? null : alpha };
}

/** the png POST /classify receives */
export const grayPng = (photo: GrayPhoto): Uint8Array => encodeGrayPng(photo.width, photo.height, photo.gray, photo.alpha);

/** what the Worker's png decoder makes of grayPng(photo): luminance as it is, alpha / 255 */
export function decodedOf(photo: GrayPhoto): DecodedImage {
  return {
    width: photo.width,
    height: photo.height,
    gray: Float32Array.from(photo.gray),
    alpha: photo.alpha ? Float32Array.from(photo.alpha, (a) => a / 255) : null,
  };
}

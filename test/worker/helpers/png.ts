// png files for tests inside workerd, written by fast-png (pure JS with its own deflate, so it
// runs where node:zlib does not): an encoder this project did not write, checking the decoder.
import { encode } from 'fast-png';

/** gray: (height, width) 0..255; alpha: same shape 0..255 or omitted. 8-bit gray or gray+alpha */
export async function encodePng(width: number, height: number, gray: ArrayLike<number>, alpha?: ArrayLike<number>): Promise<Uint8Array> {
  const channels = alpha ? 2 : 1;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    data[i * channels] = gray[i];
    if (alpha) data[i * channels + 1] = alpha[i];
  }
  return encode({ width, height, data, depth: 8, channels });
}

/** rgba: (height, width, 4) 0..255, as a canvas's toBlob writes it: 8-bit RGBA */
export async function encodeRgbaPng(width: number, height: number, rgba: ArrayLike<number>): Promise<Uint8Array> {
  return encode({ width, height, data: Uint8Array.from(rgba), depth: 8, channels: 4 });
}

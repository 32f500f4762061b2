import { PNG } from 'pngjs';

// 8-bit grayscale PNG files for the scripts (contact sheets, previews), encoded by pngjs.

/** gray: (height, width) row-major, 0 = black, 255 = white */
export function encodeGrayPng(gray: Uint8Array, width: number, height: number): Buffer {
  if (gray.length !== width * height) throw new Error(`encodeGrayPng: ${gray.length} pixels is not ${width}×${height}`);
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(gray.buffer, gray.byteOffset, gray.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

import { PNG } from 'pngjs';

// writing PNGs from scripts goes through pngjs; shared/image/png.ts is the project's own decoder,
// kept for hostile uploads, and never writes.

/** an 8-bit grayscale PNG of a width × height image (row-major, 0 = black) */
export function encodeGrayPng(gray: Uint8Array, width: number, height = width): Buffer {
  if (gray.length !== width * height) throw new Error(`a ${width}x${height} image needs ${width * height} pixels, got ${gray.length}`);
  const image = Object.assign(new PNG(), { width, height, data: Buffer.from(gray.buffer, gray.byteOffset, gray.byteLength) });
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

import { decodePngReduced, readPngInfo } from '../shared/image/png';
import { pictureInk, rawInk, READ_SIDE, type InkPicture } from '../shared/model/read';
import type { Limits } from '../shared/limits';
import { pngLimits } from './images';

// POST /read's pictures as ink maps at the resolution segmentation works at (shared/model/read.ts
// READ_SIDE): a PNG reduced while it is decoded, so a wide canvas never exists at full size as floats.

export async function inkFromPng(bytes: Uint8Array, limits: Limits): Promise<InkPicture> {
  const { width, height } = readPngInfo(bytes, pngLimits(limits));
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / READ_SIDE));
  return pictureInk(await decodePngReduced(bytes, READ_SIDE, pngLimits(limits)), factor, width, height);
}

/** JSON rows (checked by worker/pixels.ts checkRows): ink bright on dark already */
export function inkFromRows(rows: number[][]): InkPicture {
  const height = rows.length, width = rows[0].length;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(rows[y], y * width);
  return rawInk(pixels, width, height);
}

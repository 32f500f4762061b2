import { decodeImageReduced, readImageSize, type ImageFormat, type JpegDetail } from '../shared/image/decode';
import { pictureInk, rawInk, READ_SIDE, type InkPicture } from '../shared/model/read';
import { decodeColumns } from '../shared/model/read-cost';
import type { Limits } from '../shared/limits';
import { bundledLineReader } from '../shared/model/line-reader-bundled';
import type { LineReader } from '../shared/model/line-reader';
import { imageLimits } from './images';

// POST /read's pictures as ink maps at the resolution segmentation works at (shared/model/read.ts
// READ_SIDE): a PNG or JPEG reduced while it is decoded, so a wide canvas or a photo never exists at
// full size as floats.

/**
 * a progressive JPEG's AC refinement scans are left out (shared/image/jpeg/jpeg.ts JpegDetail): most
 * of a photo's decoding work, for grain that box-averaging to READ_SIDE smooths away. bench:edge, the
 * 640×480 progressive photo of 6 digits: 10.7 → 5.1 ms CPU p50, main-thread p99 12.8 → 6.7 ms
 * (medians of 4 runs alternated with the code before, with the other /read changes of that branch)
 */
export const READ_JPEG: JpegDetail = { coarseRefinement: true };

/** a picture to read, and what decoding it spent of the plan's reading budget (shared/model/read-cost.ts) */
export interface ReadInput {
  picture: InkPicture;
  decodeColumns: number;
}

/** `declared`: the format the upload claimed, named in the 415 when the bytes are neither */
export async function inkFromImage(bytes: Uint8Array, limits: Limits, declared?: ImageFormat): Promise<ReadInput> {
  const max = imageLimits(limits);
  const { format, width, height, dataBytes } = readImageSize(bytes, max, declared);
  const decoded = await decodeImageReduced(bytes, READ_SIDE, max, declared, READ_JPEG);
  // how much the decoder reduced it: a PNG by whole boxes, a JPEG partly inside its 8×8 blocks
  const factor = Math.max(width / decoded.width, height / decoded.height);
  const spent = decodeColumns({ format, bytes: bytes.length, sentPixels: width * height, dataBytes, decodedPixels: decoded.width * decoded.height });
  return { picture: pictureInk(decoded, factor, width, height), decodeColumns: spent };
}

/** JSON rows (checked by worker/pixels.ts checkRows): ink bright on dark already */
export function inkFromRows(rows: number[][]): ReadInput {
  const height = rows.length, width = rows[0].length;
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(rows[y], y * width);
  const spent = decodeColumns({ format: 'rows', bytes: 0, sentPixels: width * height, dataBytes: 0, decodedPixels: width * height });
  return { picture: rawInk(pixels, width, height), decodeColumns: spent };
}

let readerFailure: string | null = null;

/**
 * the line reader bundled with the Worker (decoded once per isolate, on the first /read), or null when
 * its file cannot be decoded: /read then cuts digits that touch apart, as it did before it had one,
 * and says so in its answer's model.lineReader. the failure is logged once per isolate.
 */
export async function lineReaderOrNone(): Promise<LineReader | null> {
  try {
    return await bundledLineReader();
  } catch (e) {
    if (readerFailure === null) {
      readerFailure = (e as Error)?.message ?? String(e);
      console.error(`the bundled line reader cannot be decoded (${readerFailure}); /read cuts touching digits apart instead`);
    }
    return null;
  }
}

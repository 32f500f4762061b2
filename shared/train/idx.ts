// the IDX format of the MNIST files (LeCun et al.): a big-endian header, then unsigned bytes.
// images: magic 2051, count, rows, cols; labels: magic 2049, count.

export const IMAGE_MAGIC = 2051;
export const LABEL_MAGIC = 2049;
export const IMAGE_HEADER_BYTES = 16;
export const LABEL_HEADER_BYTES = 8;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array; // (count, rows * cols), 0..255, ink bright
}

export class IdxError extends Error {
  override name = 'IdxError';
}

function header(bytes: Uint8Array, need: number, what: string): DataView {
  if (bytes.length < need) throw new IdxError(`${what}: ${bytes.length} bytes is too short for an IDX header (${need} bytes)`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function parseIdxImages(bytes: Uint8Array, what = 'images'): IdxImages {
  const view = header(bytes, IMAGE_HEADER_BYTES, what);
  const magic = view.getUint32(0);
  if (magic !== IMAGE_MAGIC) throw new IdxError(`${what}: magic number ${magic} is not ${IMAGE_MAGIC}; is this an IDX image file (uncompressed)?`);
  const count = view.getUint32(4), rows = view.getUint32(8), cols = view.getUint32(12);
  const expected = IMAGE_HEADER_BYTES + count * rows * cols;
  if (bytes.length !== expected) {
    throw new IdxError(`${what}: header says ${count} images of ${rows}x${cols} (${expected} bytes) but the file has ${bytes.length} bytes; the file is truncated or not MNIST`);
  }
  return { count, rows, cols, pixels: bytes.subarray(IMAGE_HEADER_BYTES) };
}

export function parseIdxLabels(bytes: Uint8Array, what = 'labels'): Uint8Array {
  const view = header(bytes, LABEL_HEADER_BYTES, what);
  const magic = view.getUint32(0);
  if (magic !== LABEL_MAGIC) throw new IdxError(`${what}: magic number ${magic} is not ${LABEL_MAGIC}; is this an IDX label file (uncompressed)?`);
  const count = view.getUint32(4);
  if (bytes.length !== LABEL_HEADER_BYTES + count) {
    throw new IdxError(`${what}: header says ${count} labels but the file has ${bytes.length - LABEL_HEADER_BYTES}; the file is truncated or not MNIST`);
  }
  const labels = bytes.subarray(LABEL_HEADER_BYTES);
  for (let i = 0; i < count; i++) {
    if (labels[i] > 9) throw new IdxError(`${what}: label ${labels[i]} at index ${i} is not a digit 0-9`);
  }
  return labels;
}

// a png decoder written by hand on purpose: it sits behind a public upload endpoint, so the size
// limits must be enforced from the header before anything is inflated, and inflation must stop
// the moment it yields more bytes than the header promised (a decompression bomb). off-the-shelf
// decoders inflate the whole stream first and check afterwards, which is the allocation we refuse.
// inflating is inflate.ts's; everything is plain TypeScript, so the same file runs in node, workerd
// and browsers, and takes the same time in each.

import { ImageError, type DecodedImage } from './decoded';
import { InflateError, inflateZlib } from './inflate';
import { boxReduced, fullSize, type RowSink } from './rows';

export { ImageError, type DecodedImage } from './decoded';

export interface PngLimits {
  /** largest accepted file, in bytes */
  maxBytes: number;
  /** widest accepted image, in pixels */
  maxWidth: number;
  /** tallest accepted image, in pixels */
  maxHeight: number;
  /** most pixel data, in bytes once inflated (height × bytes per row): what decoding time grows with */
  maxDataBytes: number;
}

export const DEFAULT_PNG_LIMITS: Readonly<PngLimits> = {
  maxBytes: 1024 * 1024,
  maxWidth: 1024,
  maxHeight: 1024,
  maxDataBytes: Infinity,
};

/** what the header says, checked against the limits */
export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** the inflated pixel data: height × each row's bytes (without its filter byte) */
  dataBytes: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** true when the bytes start with the png signature; says nothing about the rest of the file */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * decodes a non-interlaced png into luminance and alpha, at full size.
 * throws ImageError: 413 file_too_large / image_too_large, 415 not_png,
 * 422 unsupported_png, 400 bad_png (corrupt, truncated or lying about its size).
 */
export async function decodePng(bytes: Uint8Array, limits: Partial<PngLimits> = {}): Promise<DecodedImage> {
  const png = openPng(bytes, limits);
  const sink = fullSize(png.header.width, png.header.height, png.hasAlpha);
  decodeRows(png, sink);
  return sink.image();
}

/**
 * the same decoding, box-averaged row by row as the rows are unfiltered, so that the longer
 * side is at most `maxSide` (by a whole factor; an image that already fits is decoded as decodePng
 * does). the image never exists at full size as floats (8 bytes a pixel): only its inflated bytes
 * (limited by maxDataBytes) and the reduced image are held.
 */
export async function decodePngReduced(bytes: Uint8Array, maxSide: number, limits: Partial<PngLimits> = {}): Promise<DecodedImage> {
  const png = openPng(bytes, limits);
  const { width, height } = png.header;
  const factor = Math.ceil(Math.max(width, height) / maxSide);
  const sink = factor <= 1 ? fullSize(width, height, png.hasAlpha) : boxReduced(width, height, factor, png.hasAlpha);
  decodeRows(png, sink);
  return sink.image();
}

/** the checked header alone: size, signature, chunk CRCs and limits, without inflating anything */
export function readPngInfo(bytes: Uint8Array, limits: Partial<PngLimits> = {}): PngInfo {
  const { width, height, bitDepth, colorType, channels } = openPng(bytes, limits).header;
  return { width, height, bitDepth, colorType, dataBytes: height * Math.ceil((width * channels * bitDepth) / 8) };
}

/** a png whose container is checked and whose image data is ready to inflate */
interface OpenPng {
  header: Header;
  chunks: ImageChunks;
  hasAlpha: boolean;
}

function openPng(bytes: Uint8Array, limits: Partial<PngLimits>): OpenPng {
  const max: PngLimits = {
    maxBytes: limits.maxBytes ?? DEFAULT_PNG_LIMITS.maxBytes,
    maxWidth: limits.maxWidth ?? DEFAULT_PNG_LIMITS.maxWidth,
    maxHeight: limits.maxHeight ?? DEFAULT_PNG_LIMITS.maxHeight,
    maxDataBytes: limits.maxDataBytes ?? DEFAULT_PNG_LIMITS.maxDataBytes,
  };
  if (bytes.length > max.maxBytes) {
    throw new ImageError(
      'file_too_large',
      `the file is ${bytes.length} bytes but the limit is ${max.maxBytes} bytes; resize or crop the image and try again`,
      413,
    );
  }
  if (!isPng(bytes)) {
    throw new ImageError('not_png', 'this is not a PNG file (it does not start with the PNG signature); upload a .png image', 415);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // the header is read and checked on its own, before any other chunk and before inflating
  const first = readChunk(bytes, view, SIGNATURE.length, newChunk());
  if (first.type !== IHDR) throw badPng(`the first chunk must be IHDR but it is ${typeName(first.type)}`);
  const header = parseHeader(bytes.subarray(first.start, first.end), max);

  const chunks = readImageChunks(bytes, view, first, header);
  return { header, chunks, hasAlpha: header.colorType === 4 || header.colorType === 6 || hasTransparency(header, chunks) };
}

// ---------------------------------------------------------------- chunks

/** chunk types as the big-endian numbers of their four letters: compared without making a string per chunk */
const IHDR = 0x49484452, IDAT = 0x49444154, IEND = 0x49454e44, PLTE = 0x504c5445, TRNS = 0x74524e53;

/**
 * the most chunks a file may have, IHDR and IEND included. encoders split the image data into IDATs
 * of 8 KiB (libpng, so most browsers' canvas.toBlob) to 64 KiB: a 1 MiB file has at most 128 of them,
 * and a handful of ancillary chunks (text, colour, timestamps). each chunk costs a little work whatever
 * its size, so a file of ten thousand tiny ones would cost more than an honest image of its size.
 */
export const MAX_CHUNKS = 512;

/** where one chunk's parts are in the file; one object, reused from chunk to chunk */
interface Chunk {
  type: number;
  /** its data is bytes[start, end) */
  start: number;
  end: number;
  /** offset of the chunk after this one */
  next: number;
}

const newChunk = (): Chunk => ({ type: 0, start: 0, end: 0, next: 0 });

function badPng(what: string): ImageError {
  return new ImageError('bad_png', `${what}; the file is corrupted or not a valid PNG, re-export it and try again`, 400);
}

/** reads the chunk at `offset` into `chunk`, checking its length, type and CRC */
function readChunk(bytes: Uint8Array, view: DataView, offset: number, chunk: Chunk): Chunk {
  if (offset + 12 > bytes.length) {
    throw badPng(`the file ends in the middle of a chunk header at byte ${offset}, so it looks truncated`);
  }
  const length = view.getUint32(offset);
  const type = view.getUint32(offset + 4);
  // chunk types are four ascii letters; anything else means we are reading garbage
  if (!isLetter(type >>> 24) || !isLetter((type >>> 16) & 0xff) || !isLetter((type >>> 8) & 0xff) || !isLetter(type & 0xff)) {
    throw badPng(`the chunk at byte ${offset} has an invalid type (not four letters)`);
  }
  const dataStart = offset + 8;
  const remaining = bytes.length - dataStart - 4;
  if (length > remaining) {
    throw badPng(`chunk ${typeName(type)} claims ${length} bytes of data but only ${Math.max(0, remaining)} remain, so the file looks truncated`);
  }
  const dataEnd = dataStart + length;
  const stored = view.getUint32(dataEnd);
  const computed = crc32(bytes, offset + 4, dataEnd);
  if (stored !== computed) {
    throw badPng(`chunk ${typeName(type)} has a bad CRC (stored ${hex(stored)}, computed ${hex(computed)})`);
  }
  chunk.type = type;
  chunk.start = dataStart;
  chunk.end = dataEnd;
  chunk.next = dataEnd + 4;
  return chunk;
}

/** A-Z or a-z */
const isLetter = (c: number) => ((c | 0x20) - 97) >>> 0 < 26;

/** the four letters of a chunk type, for messages */
const typeName = (type: number) => String.fromCharCode(type >>> 24, (type >>> 16) & 0xff, (type >>> 8) & 0xff, type & 0xff);

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/** what the chunks between IHDR and IEND contribute */
interface ImageChunks {
  idat: Uint8Array[];
  /** PLTE entries as r,g,b triples */
  palette: Uint8Array | null;
  transparency: Uint8Array | null;
}

/** walks the chunks after IHDR (`chunk`, reused for each) to IEND */
function readImageChunks(bytes: Uint8Array, view: DataView, chunk: Chunk, header: Header): ImageChunks {
  const found: ImageChunks = { idat: [], palette: null, transparency: null };
  let idatEnded = false;
  for (let offset = chunk.next, n = 1; ; ) {
    if (offset >= bytes.length) throw badPng('the file ends without an IEND chunk, so it looks truncated');
    if (++n > MAX_CHUNKS) {
      throw new ImageError(
        'unsupported_png',
        `the PNG has more than ${MAX_CHUNKS} chunks, far more than an encoder writes (a few, with the image data in pieces of 8 KiB or more); re-save it with an ordinary encoder`,
        422,
      );
    }
    const { type, start, end } = readChunk(bytes, view, offset, chunk);
    offset = chunk.next;
    if (type !== IDAT && found.idat.length > 0) idatEnded = true;
    switch (type) {
      case IEND:
        if (found.idat.length === 0) throw badPng('the file has no IDAT chunk, so it contains no image data');
        if (header.colorType === 3 && !found.palette) throw badPng('the image uses a palette (colour type 3) but has no PLTE chunk');
        return found;
      case IDAT:
        if (idatEnded) throw badPng('the IDAT chunks are not consecutive');
        found.idat.push(bytes.subarray(start, end));
        break;
      case PLTE:
        if (found.idat.length > 0) throw badPng('the PLTE chunk comes after the image data');
        if (end === start || (end - start) % 3 !== 0 || end - start > 256 * 3) {
          throw badPng(`the PLTE chunk is ${end - start} bytes; it must hold 1 to 256 r,g,b entries`);
        }
        found.palette = bytes.subarray(start, end);
        break;
      case TRNS:
        if (found.idat.length > 0) throw badPng('the tRNS chunk comes after the image data');
        found.transparency = bytes.subarray(start, end);
        break;
      case IHDR:
        throw badPng('the file has more than one IHDR chunk');
      default:
        // a lowercase first letter (bit 5 of the first byte) marks an ancillary chunk; uppercase, one
        // the image cannot be drawn without
        if ((type & 0x20000000) === 0) {
          throw new ImageError('unsupported_png', `the PNG uses a critical chunk ${typeName(type)} that this decoder does not understand; re-save it as a plain PNG`, 422);
        }
      // other ancillary chunks (text, gamma, timestamps...) do not change the pixels we need
    }
  }
}

// ---------------------------------------------------------------- header

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** samples per pixel */
  channels: number;
}

const COLOR_TYPES: Record<number, { name: string; channels: number; depths: number[] }> = {
  0: { name: 'grayscale', channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { name: 'RGB', channels: 3, depths: [8, 16] },
  3: { name: 'palette', channels: 1, depths: [1, 2, 4, 8] },
  4: { name: 'grayscale+alpha', channels: 2, depths: [8, 16] },
  6: { name: 'RGBA', channels: 4, depths: [8, 16] },
};

function parseHeader(data: Uint8Array, max: PngLimits): Header {
  if (data.length !== 13) throw badPng(`the IHDR chunk is ${data.length} bytes but must be 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);

  if (width === 0 || height === 0) throw badPng(`the header says the image is ${width}x${height} pixels`);
  if (width > max.maxWidth || height > max.maxHeight) {
    throw new ImageError(
      'image_too_large',
      `the image is ${width}x${height} pixels but the limit is ${max.maxWidth}x${max.maxHeight}; scale it down (a digit needs only a few hundred pixels)`,
      413,
    );
  }
  const kind = COLOR_TYPES[colorType];
  if (!kind) throw badPng(`the header has colour type ${colorType}, which does not exist (valid: 0, 2, 3, 4, 6)`);
  if (!kind.depths.includes(bitDepth)) {
    throw badPng(`bit depth ${bitDepth} is not allowed for ${kind.name} images (allowed: ${kind.depths.join(', ')})`);
  }
  const header: Header = { width, height, bitDepth, colorType, channels: kind.channels };
  const dataBytes = height * rowBytes(header);
  if (dataBytes > max.maxDataBytes) {
    throw new ImageError(
      'image_too_large',
      `the image is ${width}x${height} pixels of ${bitDepth}-bit ${kind.name}, ${kib(dataBytes)} of pixel data, but the limit is ${kib(max.maxDataBytes)}; ` +
        'scale it down or save it as 8-bit grayscale (a digit needs only a few hundred pixels)',
      413,
    );
  }
  if (compression !== 0) throw badPng(`the header has compression method ${compression}; only 0 (deflate) exists`);
  if (filter !== 0) throw badPng(`the header has filter method ${filter}; only 0 exists`);
  if (interlace === 1) {
    throw new ImageError('unsupported_png', 'interlaced PNGs are not supported; save it without interlacing', 422);
  }
  if (interlace !== 0) throw badPng(`the header has interlace method ${interlace}; only 0 and 1 exist`);
  return header;
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024).toLocaleString('en-US')} KiB`;

/** bytes in one scanline, without its filter byte */
function rowBytes(h: Header): number {
  return Math.ceil((h.width * h.channels * h.bitDepth) / 8);
}

// ---------------------------------------------------------------- inflate, then row by row

/**
 * inflates the image data into a buffer of exactly the size the header implies (inflate.ts stops
 * at the first byte beyond it: a decompression bomb ends there), then unfilters and converts one
 * scanline at a time and hands it to the sink. synchronous, so two decodes in one isolate never
 * hold their buffers at the same time.
 */
/**
 * the buffer the rows are inflated into, kept for the next picture (an isolate decodes one at a
 * time: decodeRows never awaits, and inflate writes every byte it is asked for or throws). a new one
 * of up to the free plan's 470 KiB for every upload collected the heap more often, on the request's
 * own thread (bench:edge, /read's 600×200 PNGs: main-thread p99 lower by 1 to 3 ms, p50 the same);
 * pictures larger than SCRATCH_MAX (the paid plan's) get their own.
 */
const SCRATCH_MAX = 1 << 20;
let scratch = new Uint8Array(0);
function inflatedScratch(bytes: number): Uint8Array {
  if (bytes > SCRATCH_MAX) return new Uint8Array(bytes);
  if (scratch.length < bytes) scratch = new Uint8Array(bytes);
  return scratch.subarray(0, bytes);
}

function decodeRows(png: OpenPng, sink: RowSink): void {
  const { header, chunks } = png;
  const stride = rowBytes(header);
  const rowLength = 1 + stride; // the filter byte, then the row
  const expected = header.height * rowLength;
  const raw = inflatedScratch(expected);
  let filled: number;
  try {
    filled = inflateZlib(chunks.idat, raw);
  } catch (err) {
    if (!(err instanceof InflateError)) throw err;
    if (err.reason === 'too_long') throw badPng('decompressed image data is larger than its header says (possible decompression bomb)');
    if (err.reason === 'too_many_blocks') {
      throw new ImageError('unsupported_png', `the image data is not compressed the way an encoder compresses it (${err.message}); re-save it with an ordinary encoder`, 422);
    }
    throw badPng(`the image data is not valid zlib/deflate data (${err.message})`);
  }
  if (filled < expected) {
    throw badPng(`the image data inflates to ${filled} bytes but the header needs ${expected}, so pixels are missing`);
  }
  const toPixels = rowConverter(header, chunks, png.hasAlpha);
  const above = new Uint8Array(rowLength); // all zeros above the first row, as the filters assume
  for (let y = 0; y < header.height; y++) {
    const row = raw.subarray(y * rowLength, (y + 1) * rowLength);
    unfilterRow(row, y === 0 ? above : raw.subarray((y - 1) * rowLength, y * rowLength), stride, header, y);
    toPixels(row, y, sink);
  }
}

// ---------------------------------------------------------------- pixels

/** reverses a row's filter in place; row and prev are [filter byte, ...stride bytes], prev all zeros above the first row */
function unfilterRow(row: Uint8Array, prev: Uint8Array, stride: number, h: Header, y: number): void {
  // the filters look back one whole pixel, or one byte when pixels are smaller than a byte
  const bpp = Math.max(1, (h.channels * h.bitDepth) >> 3);
  const end = stride + 1;
  const first = Math.min(end, 1 + bpp); // bytes with no left neighbour: left and up-left count as 0
  switch (row[0]) {
    case 0:
      break;
    case 1: // sub
      for (let i = first; i < end; i++) row[i] += row[i - bpp];
      break;
    case 2: // up
      for (let i = 1; i < end; i++) row[i] += prev[i];
      break;
    case 3: // average
      for (let i = 1; i < first; i++) row[i] += prev[i] >> 1;
      for (let i = first; i < end; i++) row[i] += (row[i - bpp] + prev[i]) >> 1;
      break;
    case 4: // paeth: the slowest filter and the most common one in real files
      for (let i = 1; i < first; i++) row[i] += prev[i]; // paeth(0, up, 0) is up
      if (bpp === 4) paeth4(row, prev, end);
      else if (bpp === 1) paeth1(row, prev, end);
      else paeth(row, prev, first, end, bpp);
      break;
    default:
      throw badPng(`row ${y} uses filter type ${row[0]}, but only types 0 to 4 exist`);
  }
}

/**
 * the paeth predictor of a (left), b (up) and c (up-left): whichever is nearest to a + b − c, ties to a
 * then b. without branches (sign masks): on photos and noise the choice is unpredictable and mispredicted
 * branches cost twice the arithmetic (measured: 480 KB of RGBA rows 2.3 → 1.2 ms, noise 3.2 → 1.2 ms)
 */
function paethOf(a: number, b: number, c: number): number {
  // |p - a|, |p - b|, |p - c| for p = a + b - c; every difference fits in 10 bits, so >> 31 is its sign
  let pa = b - c, pb = a - c, pc = pa + pb, m = pa >> 31;
  pa = (pa ^ m) - m;
  m = pb >> 31;
  pb = (pb ^ m) - m;
  m = pc >> 31;
  pc = (pc ^ m) - m;
  const chooseA = ~((pb - pa) >> 31) & ~((pc - pa) >> 31); // -1 when pa <= pb and pa <= pc, else 0
  const chooseB = ~((pc - pb) >> 31); // -1 when pb <= pc
  return (a & chooseA) | (~chooseA & ((b & chooseB) | (c & ~chooseB)));
}

/** paeth over row[first, end) for any bytes per pixel */
function paeth(row: Uint8Array, prev: Uint8Array, first: number, end: number, bpp: number): void {
  for (let i = first; i < end; i++) row[i] = row[i] + paethOf(row[i - bpp], prev[i], prev[i - bpp]);
}

/** paeth over row[2, end) for 1 byte a pixel (8-bit gray and palette, packed 1/2/4-bit rows), the left and up-left neighbours carried in locals */
function paeth1(row: Uint8Array, prev: Uint8Array, end: number): void {
  let a = row[1], c = prev[1];
  for (let i = 2; i < end; i++) {
    const b = prev[i];
    a = (row[i] + paethOf(a, b, c)) & 255;
    row[i] = a;
    c = b;
  }
}

/**
 * paeth over row[5, end) for 4 bytes a pixel (8-bit RGBA, 16-bit gray+alpha: canvas exports), a pixel
 * per step with each channel's left and up-left neighbours carried in locals: two loads a byte, not four
 */
function paeth4(row: Uint8Array, prev: Uint8Array, end: number): void {
  let a0 = row[1], a1 = row[2], a2 = row[3], a3 = row[4];
  let c0 = prev[1], c1 = prev[2], c2 = prev[3], c3 = prev[4];
  for (let i = 5; i + 3 < end; i += 4) {
    const b0 = prev[i], b1 = prev[i + 1], b2 = prev[i + 2], b3 = prev[i + 3];
    a0 = (row[i] + paethOf(a0, b0, c0)) & 255;
    a1 = (row[i + 1] + paethOf(a1, b1, c1)) & 255;
    a2 = (row[i + 2] + paethOf(a2, b2, c2)) & 255;
    a3 = (row[i + 3] + paethOf(a3, b3, c3)) & 255;
    row[i] = a0;
    row[i + 1] = a1;
    row[i + 2] = a2;
    row[i + 3] = a3;
    c0 = b0;
    c1 = b1;
    c2 = b2;
    c3 = b3;
  }
}

/** unpacks one scanline into one number per sample, whatever the bit depth */
function readSamples(raw: Uint8Array, start: number, bitDepth: number, out: Uint16Array): void {
  const n = out.length;
  if (bitDepth === 8) {
    out.set(raw.subarray(start, start + n));
  } else if (bitDepth === 16) {
    for (let i = 0; i < n; i++) out[i] = (raw[start + 2 * i] << 8) | raw[start + 2 * i + 1];
  } else {
    // 1, 2 or 4 bits: a whole byte at a time, most significant sample first
    const perByte = 8 / bitDepth;
    const mask = (1 << bitDepth) - 1;
    for (let i = 0, at = start; i < n; at++) {
      const byte = raw[at];
      for (let shift = 8 - bitDepth, k = 0; k < perByte && i < n; k++, shift -= bitDepth) out[i++] = (byte >> shift) & mask;
    }
  }
}

function luminance(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

function hasTransparency(h: Header, chunks: ImageChunks): boolean {
  if (transparentKey(chunks.transparency, h.colorType) !== null) return true;
  return h.colorType === 3 && chunks.palette !== null && paletteTables(chunks.palette, chunks.transparency).hasAlpha;
}

/** a function that turns one unfiltered scanline into a row of luminance (and alpha) for the sink */
function rowConverter(h: Header, chunks: ImageChunks, hasAlpha: boolean): (raw: Uint8Array, y: number, sink: RowSink) => void {
  const { width, bitDepth, colorType, channels } = h;
  const maxSample = (1 << bitDepth) - 1;
  const toByte = 255 / maxSample;
  const key = transparentKey(chunks.transparency, colorType);
  const palette = colorType === 3 ? paletteTables(chunks.palette!, chunks.transparency) : null;

  const gray = new Float32Array(width);
  const alpha = hasAlpha ? new Float32Array(width) : null;
  const samples = new Uint16Array(width * channels);

  if (channels === 1 && bitDepth <= 8) return oneChannelConverter(h, key, palette, gray, alpha);
  if (bitDepth === 8 && !key) return byteConverter(h, gray, alpha);

  // one loop per colour type over Uint16 samples (every depth unpacked alike keeps the loads monomorphic)
  return (raw, y, sink) => {
    readSamples(raw, 1, bitDepth, samples);
    switch (colorType) {
      case 0:
        for (let x = 0; x < width; x++) gray[x] = samples[x] * toByte;
        if (key) for (let x = 0; x < width; x++) alpha![x] = samples[x] === key[0] ? 0 : 1;
        break;
      case 2:
        for (let x = 0; x < width; x++) gray[x] = luminance(samples[3 * x], samples[3 * x + 1], samples[3 * x + 2]) * toByte;
        if (key) {
          for (let x = 0; x < width; x++) {
            alpha![x] = samples[3 * x] === key[0] && samples[3 * x + 1] === key[1] && samples[3 * x + 2] === key[2] ? 0 : 1;
          }
        }
        break;
      case 3: {
        const { size, gray: paletteGray, alpha: paletteAlpha } = palette!;
        for (let x = 0; x < width; x++) {
          const index = samples[x];
          if (index >= size) throw badPng(`pixel (${x}, ${y}) uses palette entry ${index} but the palette has only ${size} entries`);
          gray[x] = paletteGray[index];
        }
        if (alpha) for (let x = 0; x < width; x++) alpha[x] = paletteAlpha[samples[x]];
        break;
      }
      case 4:
        for (let x = 0; x < width; x++) {
          gray[x] = samples[2 * x] * toByte;
          alpha![x] = samples[2 * x + 1] / maxSample;
        }
        break;
      case 6:
        for (let x = 0; x < width; x++) {
          const s = 4 * x;
          gray[x] = luminance(samples[s], samples[s + 1], samples[s + 2]) * toByte;
          alpha![x] = samples[s + 3] / maxSample;
        }
        break;
    }
    sink.row(y, gray, alpha);
  };
}

/**
 * RGB, gray+alpha and RGBA at 8 bits (canvas exports, most photos) without a tRNS key: luminance and
 * alpha straight from the row's bytes, with no copy into samples first. the same numbers as the general
 * path (luminance(r, g, b) × 1, alpha / 255).
 */
function byteConverter(h: Header, gray: Float32Array, alpha: Float32Array | null): (raw: Uint8Array, y: number, sink: RowSink) => void {
  const { width, colorType } = h;
  return (raw, y, sink) => {
    if (colorType === 6) {
      for (let x = 0, s = 1; x < width; x++, s += 4) {
        gray[x] = luminance(raw[s], raw[s + 1], raw[s + 2]);
        alpha![x] = raw[s + 3] / 255;
      }
    } else if (colorType === 2) {
      for (let x = 0, s = 1; x < width; x++, s += 3) gray[x] = luminance(raw[s], raw[s + 1], raw[s + 2]);
    } else {
      for (let x = 0, s = 1; x < width; x++, s += 2) {
        gray[x] = raw[s];
        alpha![x] = raw[s + 1] / 255;
      }
    }
    sink.row(y, gray, alpha);
  };
}

/**
 * gray and palette images of up to 8 bits, the ones with the most pixels per byte: each sample looked
 * up in a table of its luminance (and alpha), unpacked straight from the row's bytes
 */
function oneChannelConverter(
  h: Header, key: number[] | null, palette: ReturnType<typeof paletteTables> | null,
  gray: Float32Array, alpha: Float32Array | null,
): (raw: Uint8Array, y: number, sink: RowSink) => void {
  const { width, bitDepth } = h;
  const levels = 1 << bitDepth;
  const toByte = 255 / (levels - 1);
  // luminance and alpha of every possible sample; a palette index past the palette is marked -1
  const lumOf = new Float32Array(levels);
  const alphaOf = new Float32Array(levels).fill(1);
  for (let v = 0; v < levels; v++) {
    if (palette) {
      lumOf[v] = v < palette.size ? palette.gray[v] : -1;
      if (v < palette.size) alphaOf[v] = palette.alpha[v];
    } else {
      lumOf[v] = v * toByte;
      if (key && v === key[0]) alphaOf[v] = 0;
    }
  }
  const perByte = 8 / bitDepth;
  const mask = levels - 1;
  if (bitDepth === 8) {
    // a byte a pixel: one table lookup each, no unpacking
    return (raw, y, sink) => {
      for (let x = 0; x < width; x++) {
        const v = raw[1 + x];
        const g = lumOf[v];
        if (g < 0) throw badPng(`pixel (${x}, ${y}) uses palette entry ${v} but the palette has only ${palette!.size} entries`);
        gray[x] = g;
      }
      if (alpha) for (let x = 0; x < width; x++) alpha[x] = alphaOf[raw[1 + x]];
      sink.row(y, gray, alpha);
    };
  }
  return (raw, y, sink) => {
    for (let x = 0; x < width; ) {
      const byte = raw[1 + Math.floor(x / perByte)];
      for (let shift = 8 - bitDepth; shift >= 0 && x < width; shift -= bitDepth, x++) {
        const v = (byte >> shift) & mask;
        const g = lumOf[v];
        if (g < 0) throw badPng(`pixel (${x}, ${y}) uses palette entry ${v} but the palette has only ${palette!.size} entries`);
        gray[x] = g;
        if (alpha) alpha[x] = alphaOf[v];
      }
    }
    sink.row(y, gray, alpha);
  };
}

/** the single fully transparent colour a tRNS chunk names for gray and rgb images, if any */
function transparentKey(trns: Uint8Array | null, colorType: number): number[] | null {
  // tRNS is ancillary: one of the wrong size is ignored rather than rejecting the image
  if (!trns) return null;
  const words = (n: number) => Array.from({ length: n }, (_, i) => (trns[2 * i] << 8) | trns[2 * i + 1]);
  if (colorType === 0 && trns.length === 2) return words(1);
  if (colorType === 2 && trns.length === 6) return words(3);
  return null;
}

/** per-entry luminance and alpha for a palette image; tRNS may list alphas for the first entries only */
function paletteTables(plte: Uint8Array, trns: Uint8Array | null) {
  const size = plte.length / 3;
  const gray = new Float32Array(size);
  const alpha = new Float32Array(size).fill(1);
  for (let i = 0; i < size; i++) gray[i] = luminance(plte[3 * i], plte[3 * i + 1], plte[3 * i + 2]);
  const listed = trns ? Math.min(trns.length, size) : 0;
  for (let i = 0; i < listed; i++) alpha[i] = trns![i] / 255;
  return { size, gray, alpha, hasAlpha: listed > 0 };
}

// ---------------------------------------------------------------- crc

/**
 * (4, 256) crc-32 tables for slicing by four (Intel's slicing-by-N): [0] the byte-at-a-time table,
 * [k] a byte followed by k zero bytes, so four bytes fold in with four look-ups rather than four steps
 * that each wait on the last (the crc of a 72 KB PNG was a tenth of decoding it)
 */
const CRC_TABLES = (() => {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 4; k++) for (let n = 0; n < 256; n++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

/** crc-32 as png uses it (over a chunk's type and data): of bytes[start, end) */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

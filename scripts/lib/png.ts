import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

// writing PNGs from scripts and tests. the pixels are encoded by pngjs (its own filters and
// predictors), never by this project, so a decoder bug cannot cancel out against a copy of itself;
// shared/image/png.ts is the project's decoder, kept for hostile uploads, and never writes. the
// framing helpers below only assemble bytes (length, type, CRC from node:zlib): palette and
// 1/2/4-bit images (which pngjs cannot write: rows packed as they are, filter type 0) and the broken
// or unusual files no encoder writes.

export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/** samples per pixel for each colour type */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** one chunk: length, type, data, crc over type+data */
export function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface HeaderSpec {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  compression?: number;
  filter?: number;
  interlace?: number;
}

export function ihdr(h: HeaderSpec): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, h.width);
  view.setUint32(4, h.height);
  data.set([h.bitDepth, h.colorType, h.compression ?? 0, h.filter ?? 0, h.interlace ?? 0], 8);
  return chunk('IHDR', data);
}

export function idatChunks(compressed: Uint8Array, size = Infinity): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < compressed.length; at += size) out.push(chunk('IDAT', compressed.subarray(at, at + size)));
  return out;
}

/** samples (one per channel per pixel, row-major) packed into rows of bitDepth-bit values, big-endian, each row starting on a byte */
export function packRows(h: HeaderSpec, samples: ArrayLike<number>): Uint8Array {
  const perRow = h.width * CHANNELS[h.colorType];
  const stride = Math.ceil((perRow * h.bitDepth) / 8);
  const out = new Uint8Array(h.height * stride);
  for (let y = 0; y < h.height; y++) {
    for (let i = 0; i < perRow; i++) {
      const v = samples[y * perRow + i];
      if (h.bitDepth === 16) {
        out[y * stride + 2 * i] = v >> 8;
        out[y * stride + 2 * i + 1] = v & 0xff;
      } else {
        const bit = i * h.bitDepth;
        out[y * stride + (bit >> 3)] |= v << (8 - h.bitDepth - (bit & 7));
      }
    }
  }
  return out;
}

/** packed rows (height × stride bytes) as scanlines with filter type 0 (none), before deflate */
export function unfilteredRows(h: HeaderSpec, bytes: ArrayLike<number>): Uint8Array {
  const stride = Math.ceil((h.width * CHANNELS[h.colorType] * h.bitDepth) / 8);
  const raw = new Uint8Array(h.height * (1 + stride));
  for (let y = 0; y < h.height; y++) raw.set(Array.from(bytes).slice(y * stride, (y + 1) * stride), y * (1 + stride) + 1);
  return raw;
}

/** a png with the given header and raw (already filtered) scanline bytes, deflated by node:zlib */
export function pngFromScanlines(header: HeaderSpec, raw: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  return concat(PNG_SIGNATURE, ihdr(header), ...extra, ...idatChunks(new Uint8Array(deflateSync(raw))), chunk('IEND'));
}

export interface PngSpec {
  width: number;
  height: number;
  /** what pngjs writes: 0 gray, 2 rgb, 4 gray+alpha, 6 rgba */
  colorType: 0 | 2 | 4 | 6;
  bitDepth: 8 | 16;
  /** row-major samples, `channels` per pixel */
  samples: ArrayLike<number>;
  /** one filter type for every row; by default pngjs picks the best of all five per row */
  filter?: 0 | 1 | 2 | 3 | 4;
  /** raw tRNS chunk data */
  trns?: number[];
  /** split the compressed data into IDAT chunks of at most this many bytes */
  idatSize?: number;
  /** extra chunks inserted after the header */
  extra?: Uint8Array[];
}

/** the chunks of a png as [type, data] */
export function chunksOf(png: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: [string, Uint8Array][] = [];
  for (let at = PNG_SIGNATURE.length; at < png.length; ) {
    const length = view.getUint32(at);
    out.push([new TextDecoder().decode(png.subarray(at + 4, at + 8)), png.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return out;
}

/** encodes with pngjs, then adds the chunks it cannot write (tRNS, text) and splits IDAT if asked */
export function encodePng(spec: PngSpec): Uint8Array {
  const { width, height, colorType, bitDepth } = spec;
  const samples = bitDepth === 16 ? Uint16Array.from(spec.samples) : Uint8Array.from(spec.samples);
  const options = { colorType, inputColorType: colorType, bitDepth, inputHasAlpha: colorType === 4 || colorType === 6, filterType: spec.filter ?? -1 };
  const written = new Uint8Array(PNG.sync.write({ width, height, data: Buffer.from(samples.buffer) } as PNG, options));
  const chunks = chunksOf(written);
  const header = chunks.find(([type]) => type === 'IHDR')![1];
  const compressed = concat(...chunks.filter(([type]) => type === 'IDAT').map(([, data]) => data));
  return concat(
    PNG_SIGNATURE,
    chunk('IHDR', header),
    ...(spec.extra ?? []),
    ...(spec.trns ? [chunk('tRNS', Uint8Array.from(spec.trns))] : []),
    ...idatChunks(compressed, spec.idatSize),
    chunk('IEND'),
  );
}

export interface AnyPngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  /** row-major samples, `channels` per pixel (palette indices for colour type 3) */
  samples: ArrayLike<number>;
  /** colour type 3: r, g, b per entry */
  palette?: number[][];
  /** the filter type of 8- and 16-bit non-palette rows (see encodePng) */
  filter?: 0 | 1 | 2 | 3 | 4;
}

/** any colour type and bit depth: pngjs where it can write it, else packed rows, unfiltered, framed here */
export function encodeAnyPng(spec: AnyPngSpec): Uint8Array {
  const { width, height, colorType, bitDepth, samples } = spec;
  if (colorType !== 3 && (bitDepth === 8 || bitDepth === 16)) return encodePng({ width, height, colorType, bitDepth, samples, filter: spec.filter });
  const header = { width, height, colorType, bitDepth };
  const plte = spec.palette ? [chunk('PLTE', Uint8Array.from(spec.palette.flat()))] : [];
  return pngFromScanlines(header, unfilteredRows(header, packRows(header, samples)), plte);
}

/** the filter type byte of every row, read back with node:zlib */
export function rowFilters(png: Uint8Array): number[] {
  const chunks = chunksOf(png);
  const h = chunks.find(([type]) => type === 'IHDR')![1];
  const view = new DataView(h.buffer, h.byteOffset);
  const [width, height, bitDepth, colorType] = [view.getUint32(0), view.getUint32(4), h[8], h[9]];
  const raw = inflateSync(concat(...chunks.filter(([type]) => type === 'IDAT').map(([, data]) => data)));
  const stride = 1 + Math.ceil((width * CHANNELS[colorType] * bitDepth) / 8);
  return Array.from({ length: height }, (_, y) => raw[y * stride]);
}

/** an 8-bit grayscale PNG of a width × height image (row-major, 0 = black) */
export function encodeGrayPng(gray: Uint8Array, width: number, height = width): Buffer {
  if (gray.length !== width * height) throw new Error(`a ${width}x${height} image needs ${width * height} pixels, got ${gray.length}`);
  return Buffer.from(encodePng({ width, height, colorType: 0, bitDepth: 8, samples: gray }));
}

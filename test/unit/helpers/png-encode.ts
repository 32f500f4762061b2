// a tiny png encoder for tests: real signatures, real crcs (from node:zlib, independent of the
// decoder's own crc) and every filter type, so decoder tests do not depend on an image library.
import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

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

/** packs one row of samples at the given bit depth (msb first, big-endian for 16 bits) */
export function packRow(samples: ArrayLike<number>, bitDepth: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((samples.length * bitDepth) / 8));
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (bitDepth === 16) {
      out[2 * i] = v >> 8;
      out[2 * i + 1] = v & 0xff;
    } else if (bitDepth === 8) {
      out[i] = v;
    } else {
      const bit = i * bitDepth;
      out[bit >> 3] |= v << (8 - bitDepth - (bit & 7));
    }
  }
  return out;
}

// written again on purpose rather than imported from shared/png.ts: a shared bug in the
// predictor would cancel out between encoder and decoder and the filter tests could not catch it
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** applies png filter `type` to a row, given the previous unfiltered row (or null for the first) */
export function filterRow(type: number, cur: Uint8Array, prev: Uint8Array | null, bpp: number): Uint8Array {
  const out = new Uint8Array(cur.length + 1);
  out[0] = type;
  for (let i = 0; i < cur.length; i++) {
    const left = i >= bpp ? cur[i - bpp] : 0;
    const up = prev ? prev[i] : 0;
    const upLeft = prev && i >= bpp ? prev[i - bpp] : 0;
    const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][type];
    out[i + 1] = (cur[i] - predictor) & 0xff;
  }
  return out;
}

export interface PngSpec extends HeaderSpec {
  /** row-major samples, `channels` per pixel (palette images: indices) */
  samples: ArrayLike<number>;
  /** palette entries as [r, g, b] */
  palette?: number[][];
  /** raw tRNS chunk data */
  trns?: number[];
  /** filter type per row, cycled; defaults to all five in turn */
  filters?: number[];
  /** split the compressed data into IDAT chunks of at most this many bytes */
  idatSize?: number;
  /** extra chunks inserted after the header */
  extra?: Uint8Array[];
}

/** the filtered scanlines (filter byte + row bytes, for every row) before deflate */
export function scanlines(spec: PngSpec): Uint8Array {
  const channels = CHANNELS[spec.colorType];
  const perRow = spec.width * channels;
  const bpp = Math.max(1, (channels * spec.bitDepth) >> 3);
  const filters = spec.filters ?? [0, 1, 2, 3, 4];
  const rows: Uint8Array[] = [];
  const samples = Array.from(spec.samples);
  let prev: Uint8Array | null = null;
  for (let y = 0; y < spec.height; y++) {
    const row = packRow(samples.slice(y * perRow, (y + 1) * perRow), spec.bitDepth);
    rows.push(filterRow(filters[y % filters.length], row, prev, bpp));
    prev = row;
  }
  return concat(...rows);
}

export function idatChunks(compressed: Uint8Array, size = Infinity): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < compressed.length; at += size) out.push(chunk('IDAT', compressed.subarray(at, at + size)));
  return out;
}

export function encodePng(spec: PngSpec): Uint8Array {
  const compressed = new Uint8Array(deflateSync(scanlines(spec)));
  return concat(
    PNG_SIGNATURE,
    ihdr(spec),
    ...(spec.extra ?? []),
    ...(spec.palette ? [chunk('PLTE', Uint8Array.from(spec.palette.flat()))] : []),
    ...(spec.trns ? [chunk('tRNS', Uint8Array.from(spec.trns))] : []),
    ...idatChunks(compressed, spec.idatSize),
    chunk('IEND'),
  );
}

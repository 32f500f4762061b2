// a grayscale png writer for the browser's photo path (web/photo/): a photo reduced on a canvas is
// sent to POST /classify as 8-bit gray, or gray and alpha, so its size is known before it is made
// (height × (width × channels + 1) bytes of pixel data) and always fits the plan's limits, which a
// canvas's own RGBA toBlob PNG does not. the deflate stream is stored blocks (no compression): the
// upload is at most ~130 KiB, and the Worker inflates stored blocks for the price of a copy.

import { crc32 } from './png';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** the longest stored deflate block */
const STORED_MAX = 65535;
const GRAY = 0;
const GRAY_ALPHA = 4;

/** bytes of pixel data the png holds once inflated: what the Worker's imageDataBytes limit counts */
export const grayPngDataBytes = (width: number, height: number, hasAlpha: boolean) => height * (width * (hasAlpha ? 2 : 1) + 1);

/** the file's size: signature, IHDR, one IDAT of stored blocks, IEND */
export function grayPngBytes(width: number, height: number, hasAlpha: boolean): number {
  const data = grayPngDataBytes(width, height, hasAlpha);
  const blocks = Math.max(1, Math.ceil(data / STORED_MAX));
  const zlib = 2 + data + 5 * blocks + 4;
  return SIGNATURE.length + (12 + 13) + (12 + zlib) + 12;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    // 3800 bytes at a time keep b below 2^32 before the modulo, as zlib's NMAX does (5552)
    const end = Math.min(bytes.length, i + 3800);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of stored blocks around `raw` */
function storedZlib(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / STORED_MAX));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_MAX;
    const len = Math.min(STORED_MAX, raw.length - start);
    out[at++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    out[at++] = len & 0xff;
    out[at++] = len >>> 8;
    out[at++] = ~len & 0xff;
    out[at++] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(start, start + len), at);
    at += len;
  }
  new DataView(out.buffer).setUint32(at, adler32(raw));
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * an 8-bit grayscale png of (height, width) luminance bytes, with an alpha channel when `alpha` is
 * given (0 transparent .. 255 opaque); rows unfiltered
 */
export function encodeGrayPng(width: number, height: number, gray: Uint8Array, alpha: Uint8Array | null = null): Uint8Array {
  if (!(width > 0 && height > 0) || gray.length !== width * height || (alpha && alpha.length !== gray.length)) {
    throw new RangeError(`encodeGrayPng: ${gray.length} gray values${alpha ? ` and ${alpha.length} alpha values` : ''} do not make a ${width}x${height} image`);
  }
  const channels = alpha ? 2 : 1;
  const stride = width * channels + 1;
  const raw = new Uint8Array(grayPngDataBytes(width, height, alpha !== null)); // (height, 1 + width × channels), filter byte 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const at = y * stride + 1 + x * channels;
      raw[at] = gray[i];
      if (alpha) raw[at + 1] = alpha[i];
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = alpha ? GRAY_ALPHA : GRAY;
  // compression, filter and interlace methods: 0
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', storedZlib(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

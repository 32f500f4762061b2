// zlib streams and PNG files that no honest encoder writes, assembled bit by bit: the constructions an
// attacker uses to make a decoder work per block or per chunk rather than per byte of image. the tests
// (under Node and inside workerd) and bench:edge build them from here, so this file imports nothing
// (no node:zlib) and has its own CRC: it must not share a bug with the decoder it checks.

/** bits written least significant first, as deflate packs them */
class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;

  /** `bits` bits of value, lowest first (deflate's header fields and extra bits) */
  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1);
    return this;
  }

  /** a Huffman code of `length` bits: sent most significant bit first */
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bit((code >> i) & 1);
    return this;
  }

  private bit(b: number): void {
    this.acc |= b << this.n;
    if (++this.n === 8) this.flushByte();
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    this.acc = 0;
    this.n = 0;
  }

  /** pads with zero bits to the next whole byte */
  align(): this {
    if (this.n > 0) this.flushByte();
    return this;
  }

  raw(data: ArrayLike<number>): this {
    this.align();
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
    return this;
  }

  /** bits written so far */
  get length(): number {
    return this.bytes.length * 8 + this.n;
  }

  done(): Uint8Array {
    this.align();
    return Uint8Array.from(this.bytes);
  }
}

/** the canonical codes (RFC 1951 3.2.2) of a list of code lengths */
function canonicalCodes(lengths: number[]): number[] {
  const count = new Array(16).fill(0);
  for (const l of lengths) if (l) count[l]++;
  // RFC 1951: code = (code + bl_count[bits - 1]) << 1, with bl_count[0] = 0
  const next = new Array(16).fill(0);
  for (let len = 2; len < 16; len++) next[len] = (next[len - 1] + count[len - 1]) << 1;
  return lengths.map((l) => (l ? next[l]++ : -1));
}

const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * the kinds of empty (no output) deflate block:
 * - `dynamic-incomplete`: dynamic Huffman, 58 bits; its literal/length and distance codes are
 *   incomplete (one 8-bit code each), which zlib refuses
 * - `dynamic-zlib`: dynamic Huffman, 90 bits, that zlib accepts: one 1-bit literal/length code (the
 *   end of block) and one 1-bit distance code, the only incomplete codes inftrees.c allows
 * - `dynamic-full`: dynamic Huffman with every code there is (286 literal/length, 30 distance, all 19
 *   code-length codes), complete, up to 10 bits long: the costliest table build a block can ask for
 * - `fixed`: the fixed code's end of block, 10 bits
 * - `stored`: a stored block of 0 bytes (what a sync flush writes), 3 bits then 4 whole bytes
 */
export type EmptyBlock = 'dynamic-incomplete' | 'dynamic-zlib' | 'dynamic-full' | 'fixed' | 'stored';

/** a complete code-length code over all 19 symbols: 0..12 in 4 bits, 13..18 in 5 (13/16 + 6/32 = 1) */
const FULL_CL = Array.from({ length: 19 }, (_, s) => (s < 13 ? 4 : 5));
/** a complete code over all 286 literal/length symbols, longest 10 bits: 227/256 + 57/512 + 2/1024 = 1 */
const FULL_LIT = [...new Array(227).fill(8), ...new Array(57).fill(9), 10, 10];
/** a complete code over all 30 distance symbols, longest 10 bits: 7/16 + 17/32 + 1/64 + ... + 2/1024 = 1 */
const FULL_DIST = [...new Array(7).fill(4), ...new Array(17).fill(5), 6, 7, 8, 9, 10, 10];

function emptyBlock(w: BitWriter, kind: EmptyBlock): void {
  w.bits(0, 1); // not the last block
  if (kind === 'stored') {
    w.bits(0, 2).align().raw([0, 0, 0xff, 0xff]);
    return;
  }
  if (kind === 'fixed') {
    w.bits(1, 2).code(0, 7); // end of block is 256: the 7-bit code 0000000
    return;
  }
  w.bits(2, 2);
  if (kind === 'dynamic-full') {
    w.bits(286 - 257, 5).bits(30 - 1, 5).bits(19 - 4, 4);
    for (const s of CODE_LENGTH_ORDER) w.bits(FULL_CL[s], 3);
    const cl = canonicalCodes(FULL_CL);
    for (const len of [...FULL_LIT, ...FULL_DIST]) w.code(cl[len], FULL_CL[len]);
    w.code(canonicalCodes(FULL_LIT)[256], FULL_LIT[256]);
    return;
  }
  // the code-length code: two 1-bit codes, for "18: a run of 11..138 zeros" and for the one length used
  const used = kind === 'dynamic-zlib' ? 1 : 8;
  const hclen = CODE_LENGTH_ORDER.indexOf(used) + 1;
  w.bits(0, 5).bits(0, 5).bits(hclen - 4, 4); // 257 literal/length codes, 1 distance code
  const clLengths = new Array(19).fill(0);
  clLengths[18] = 1;
  clLengths[used] = 1;
  for (let i = 0; i < hclen; i++) w.bits(clLengths[CODE_LENGTH_ORDER[i]], 3);
  const cl = canonicalCodes(clLengths);
  // literals 0..255 get no code (138 + 118 zeros), the end of block and distance 0 get `used` bits
  w.code(cl[18], 1).bits(138 - 11, 7);
  w.code(cl[18], 1).bits(118 - 11, 7);
  w.code(cl[used], 1);
  w.code(cl[used], 1);
  w.code(0, used); // the end of block: the only literal/length code, so code 0
}

/** bits one empty block of each kind takes (a stored block: at most, with its alignment) */
export const EMPTY_BLOCK_BITS = Object.fromEntries(
  (['dynamic-incomplete', 'dynamic-zlib', 'dynamic-full', 'fixed', 'stored'] as const).map((kind) => {
    const w = new BitWriter();
    emptyBlock(w, kind);
    return [kind, w.length];
  }),
) as Record<EmptyBlock, number>;

/** `data` in stored blocks of at most 65,535 bytes, the last one final */
function storedData(w: BitWriter, data: Uint8Array): void {
  for (let at = 0; ; at += 65535) {
    const part = data.subarray(at, at + 65535);
    const last = at + 65535 >= data.length;
    w.bits(last ? 1 : 0, 1).bits(0, 2).align();
    w.raw([part.length & 0xff, part.length >> 8, ~part.length & 0xff, (~part.length >> 8) & 0xff]).raw(part);
    if (last) return;
  }
}

/**
 * a zlib stream of `count` empty blocks of one kind, then `data` (a real image), then its Adler-32.
 * the data goes in stored blocks, or as `deflated` (its raw deflate stream, as an encoder wrote it)
 * after one more empty stored block, which brings the stream to a whole byte.
 */
export function zlibWithEmptyBlocks(kind: EmptyBlock, count: number, data: Uint8Array, deflated?: Uint8Array): Uint8Array {
  const w = new BitWriter().raw([0x78, 0x01]);
  for (let i = 0; i < count; i++) emptyBlock(w, kind);
  if (deflated) {
    emptyBlock(w, 'stored');
    w.raw(deflated);
  } else storedData(w, data);
  const a = adler32(data);
  return w.raw([a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]).done();
}

/** the most empty blocks of one kind that keep zlibWithEmptyBlocks(kind, n, data) within `bytes` */
export function emptyBlocksWithin(kind: EmptyBlock, bytes: number, dataLength: number): number {
  const stored = 5 * Math.ceil(Math.max(1, dataLength) / 65535) + dataLength;
  return Math.max(0, Math.floor(((bytes - 2 - 4 - stored - 1) * 8) / EMPTY_BLOCK_BITS[kind]));
}

function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (const v of data) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// ---------------------------------------------------------------- png framing

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** length, type, data, CRC over type and data */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
  return out;
}

export interface GrayImage {
  width: number;
  height: number;
  /** (height, width) 0..255 */
  gray: ArrayLike<number>;
}

/** the scanlines of an 8-bit gray image, each with filter type 0 */
export function grayScanlines(image: GrayImage): Uint8Array {
  const { width, height, gray } = image;
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = gray[y * width + x];
  return raw;
}

function grayHeader(width: number, height: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([8, 0, 0, 0, 0], 8);
  return pngChunk('IHDR', data);
}

/** an 8-bit gray PNG: IHDR, the `before` chunks, the zlib stream cut into IDATs of `idatSize` bytes, IEND */
export function grayPng(width: number, height: number, zlib: Uint8Array, idatSize = 8192, before: Uint8Array[] = []): Uint8Array {
  const parts = [Uint8Array.from(SIGNATURE), grayHeader(width, height), ...before];
  for (let at = 0; at < zlib.length; at += idatSize) parts.push(pngChunk('IDAT', zlib.subarray(at, at + idatSize)));
  parts.push(pngChunk('IEND'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** the image's data (stored) after as many empty blocks of `kind` as fit a file of `bytes` */
export function emptyBlocksPng(kind: EmptyBlock, image: GrayImage, bytes: number): { png: Uint8Array; blocks: number } {
  const data = grayScanlines(image);
  // signature, IHDR, IEND and 12 bytes per 8 KiB IDAT
  const overhead = 8 + 25 + 12;
  let blocks = emptyBlocksWithin(kind, bytes - overhead, data.length);
  blocks -= Math.ceil((12 * Math.ceil(bytes / 8192) * 8) / EMPTY_BLOCK_BITS[kind]);
  return { png: grayPng(image.width, image.height, zlibWithEmptyBlocks(kind, blocks, data)), blocks };
}

/** the image's data (stored) cut into one-byte IDAT chunks: the largest square image whose file fits `bytes` */
export function oneByteIdatsPng(imageOfSide: (side: number) => GrayImage, bytes: number): { png: Uint8Array; chunks: number } {
  // 13 bytes of file per byte of zlib stream; the stream is the scanlines and ~11 bytes of framing
  let side = Math.floor(Math.sqrt((bytes - 45) / 13));
  while (side > 1 && (side * (side + 1) + 5 * Math.ceil((side * (side + 1)) / 65535) + 7) * 13 + 45 > bytes) side--;
  const image = imageOfSide(side);
  const zlib = zlibWithEmptyBlocks('stored', 0, grayScanlines(image));
  return { png: grayPng(side, side, zlib, 1), chunks: zlib.length };
}

/** a real image (its zlib stream given) after as many empty tEXt chunks as fit a file of `bytes` */
export function emptyTextsPng(image: GrayImage, zlib: Uint8Array, bytes: number): { png: Uint8Array; chunks: number } {
  const base = grayPng(image.width, image.height, zlib).length;
  const chunks = Math.max(0, Math.floor((bytes - base) / 12));
  const text = pngChunk('tEXt');
  return { png: grayPng(image.width, image.height, zlib, 8192, new Array(chunks).fill(text)), chunks };
}

// a zlib/deflate decoder (RFC 1950, RFC 1951) that writes into a buffer of exactly the size the
// caller expects and stops at the first byte beyond it. the png decoder uses it instead of the
// platform's DecompressionStream: that one cannot be told a budget, so it had to be fed 1 KiB at a
// time to notice a decompression bomb after at most ~1 MB (and each write costs a promise), and
// workerd inflates a whole written chunk before the first read returns. this one is synchronous,
// runs unchanged in Node, workerd and browsers, and never holds more than `out`.

/**
 * why inflating stopped: the data is not zlib, it is cut short, it would overflow `out`, or it is
 * split into more deflate blocks than any encoder writes for that much data (each block costs a
 * table build whatever it holds, so an empty one is work without output)
 */
export class InflateError extends Error {
  constructor(
    public reason: 'corrupt' | 'truncated' | 'too_long' | 'too_many_blocks',
    message: string,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

const corrupt = (what: string) => new InflateError('corrupt', what);

// the deflate alphabets: length codes 257..285 and distance codes 0..29, as base + extra bits
const LENGTH_BASE = Uint16Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
const LENGTH_EXTRA = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DIST_BASE = Uint16Array.of(1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577);
const DIST_EXTRA = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
/** the order in which a dynamic block lists the code lengths of the code-length alphabet */
const CODE_LENGTH_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);
const MAX_BITS = 15;

/**
 * a canonical Huffman code. codes of up to TABLE_BITS bits are found with one lookup in `table`,
 * indexed by the next TABLE_BITS input bits (LSB first): symbol << 4 | code length, or 0 when the
 * code is longer (or does not exist) and `decodeLong` must walk the code lengths one bit at a time.
 * a small table stays in the L1 cache; longer codes are the rare symbols, by construction.
 * each is allocated once and rebuilt in place for every block: a block costs no allocation.
 */
interface HuffmanTable {
  /** (1 << TABLE_BITS) entries, of which the first 1 << bits are in use */
  table: Uint16Array;
  bits: number; // index width of `table`: the longest code, at most TABLE_BITS
  count: Uint16Array; // (MAX_BITS + 1) codes of each length
  symbols: Uint16Array; // symbols in code order
  /** the canonical walk's state after `bits` bits, where decodeLong resumes: the first code of length bits + 1 ... */
  longFirst: number;
  /** ... and the index in `symbols` of its symbol */
  longIndex: number;
}

const TABLE_BITS = 10;

const newTable = (maxSymbols: number): HuffmanTable => ({
  table: new Uint16Array(1 << TABLE_BITS),
  bits: 1,
  count: new Uint16Array(MAX_BITS + 1),
  symbols: new Uint16Array(maxSymbols),
  longFirst: 0,
  longIndex: 0,
});

/** REVERSED[x]: the TABLE_BITS bits of x in the opposite order */
const REVERSED = (() => {
  const r = new Uint16Array(1 << TABLE_BITS);
  for (let x = 0; x < r.length; x++) for (let b = 0; b < TABLE_BITS; b++) r[x] |= ((x >> b) & 1) << (TABLE_BITS - 1 - b);
  return r;
})();

/** where each code length's symbols start in `symbols`, while they are sorted */
const OFFSET = new Uint16Array(MAX_BITS + 2);

/** the three kinds of code, as zlib's inftrees.c tells them apart (and names them in messages) */
type CodeKind = 'code-length' | 'literal/length' | 'distance';

/**
 * rebuilds `h` for the code lengths[start, start + n). refuses, as zlib does, a code that is
 * over-subscribed (not a prefix code) or incomplete (bit patterns that decode to nothing), except
 * the two incomplete codes RFC 1951 and zlib allow in a literal/length or distance code: no code at
 * all (a block without matches), and a single code of one bit.
 */
function buildTable(h: HuffmanTable, lengths: Uint8Array, start: number, n: number, kind: CodeKind): void {
  const { count, symbols, table } = h;
  count.fill(0);
  let longest = 0;
  for (let s = 0; s < n; s++) {
    const len = lengths[start + s];
    count[len]++;
    if (len > longest) longest = len;
  }
  count[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - count[len];
    if (left < 0) throw corrupt(`a ${kind} Huffman code is over-subscribed`);
  }
  const empty = longest === 0;
  const singleBit = longest === 1 && count[1] === 1;
  if (left > 0 && (kind === 'code-length' || !(empty || singleBit))) throw corrupt(`a ${kind} Huffman code is incomplete`);

  OFFSET[1] = 0;
  for (let len = 1; len <= MAX_BITS; len++) OFFSET[len + 1] = OFFSET[len] + count[len];
  for (let s = 0; s < n; s++) {
    const len = lengths[start + s];
    if (len !== 0) symbols[OFFSET[len]++] = s;
  }

  const bits = Math.max(1, Math.min(TABLE_BITS, longest));
  const size = 1 << bits;
  // slots of longer codes (and a one-code table's other half) stay 0: decodeLong's
  table.fill(0, 0, size);
  // symbols reach 287: symbol << 4 | 15 needs 13 bits, which Uint16 holds
  for (let len = 1, code = 0, k = 0; len <= bits; len++) {
    for (let i = 0; i < count[len]; i++, code++, k++) {
      // codes are sent most significant bit first; the table is indexed by bits as they arrive
      const reversed = REVERSED[code] >> (TABLE_BITS - len);
      const entry = (symbols[k] << 4) | len;
      for (let j = reversed; j < size; j += 1 << len) table[j] = entry;
    }
    code <<= 1;
  }
  h.bits = bits;
  let first = 0, index = 0;
  for (let len = 1; len <= bits; len++) {
    index += count[len];
    first = (first + count[len]) << 1;
  }
  h.longFirst = first;
  h.longIndex = index;
}

/**
 * a code longer than the table (or one that does not exist): the canonical walk (RFC 1951 3.2.2,
 * as zlib's puff.c) resumed after the table's `bits` bits, one bit at a time from `buf` (≥ 15 bits)
 */
function decodeLong(h: HuffmanTable, buf: number, what: string): number {
  const bits = h.bits;
  // the first `bits` bits, most significant first as codes are compared
  let code = (REVERSED[buf & ((1 << bits) - 1)] >> (TABLE_BITS - bits)) << 1;
  let first = h.longFirst, index = h.longIndex;
  for (let len = bits + 1; len <= MAX_BITS; len++) {
    code |= (buf >>> (len - 1)) & 1;
    const count = h.count[len];
    if (code - first < count) return (h.symbols[index + code - first] << 4) | len;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw corrupt(`the data uses a ${what} code that does not exist`);
}

/** the fixed codes of block type 1 (RFC 1951 3.2.6), built once */
const FIXED = (() => {
  const lengths = new Uint8Array(288 + 32);
  lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
  lengths.fill(5, 288);
  const lit = newTable(288), dist = newTable(32);
  // all 32 distance codes, as RFC 1951 defines them (30 and 31 never occur in valid data): a complete code
  buildTable(lit, lengths, 0, 288, 'literal/length');
  buildTable(dist, lengths, 288, 32, 'distance');
  return { lit, dist };
})();

/**
 * a dynamic block's codes, rebuilt in place block after block. inflateZlib runs start to end without
 * yielding, so one set serves every call.
 */
const DYNAMIC = { lit: newTable(286), dist: newTable(30), codeLength: newTable(19) };
/** a dynamic block's code lengths: 19 of the code-length code, then up to 286 + 30 */
const CODE_LENGTHS = new Uint8Array(19);
const LENGTHS = new Uint8Array(286 + 30);

/** the input and the bits read from it but not used yet (the next one lowest) */
interface Bits {
  input: Uint8Array;
  /** the input and 8 zero bytes, so the hot loop reads ahead without a bounds test */
  padded: Uint8Array;
  endOfBlock: boolean;
  at: number; // next input byte to load
  buf: number;
  count: number;
}

/** loads whole bytes until at least n ≤ 24 bits are buffered; past the end of the input, zeros */
function need(s: Bits, n: number): void {
  while (s.count < n) {
    // a few bytes of lookahead past the end are fine; more means the stream was used up
    if (s.at >= s.input.length + 4) throw new InflateError('truncated', 'the deflate stream is cut short');
    s.buf |= (s.at < s.input.length ? s.input[s.at] : 0) << s.count;
    s.at++;
    s.count += 8;
  }
}

function take(s: Bits, n: number): number {
  need(s, n);
  const v = s.buf & ((1 << n) - 1);
  s.buf >>>= n;
  s.count -= n;
  return v;
}

/** throws 'truncated' when bits past the end of the input (the zero padding `need` adds) were used */
function usedUp(s: Bits): void {
  if (s.at > s.input.length && (s.at - s.input.length) * 8 > s.count) throw new InflateError('truncated', 'the deflate stream is cut short');
}

/** gives back buffered whole bytes, so s.at is the first byte not yet used: for stored blocks and the checksum */
function alignToByte(s: Bits): void {
  s.at -= s.count >> 3;
  s.buf = 0;
  s.count = 0;
}

/**
 * the most deflate blocks inflateZlib reads for `expected` bytes of output. an encoder starts a new
 * block when its symbol buffer fills (zlib: every 16,383 symbols, at least 16 KiB of output) or its
 * statistics change, so honest streams have a handful per 100 KiB; every block costs a table build
 * (up to ~2,400 table writes) whatever it holds, so this bounds that work by the output's size.
 */
export const maxBlocksFor = (expected: number): number => 8 + (expected >> 10);

export interface InflateOptions {
  /** the most deflate blocks to read; by default maxBlocksFor(out.length) */
  maxBlocks?: number;
  /** counts the work done, for tests: blocks begun (the last one refused included) */
  stats?: { blocks: number };
}

/**
 * inflates the zlib stream made of `parts` (read one after another, as png IDAT chunks) into `out`
 * and returns how many bytes it wrote. throws InflateError: 'too_long' the moment the data would
 * write past the end of `out`, 'truncated' when the input ends early, 'too_many_blocks' at the first
 * block past options.maxBlocks, 'corrupt' for anything that is not valid zlib (including a wrong
 * Adler-32 checksum, and the incomplete Huffman codes zlib refuses). bytes after the checksum are ignored.
 */
export function inflateZlib(parts: Uint8Array[], out: Uint8Array, options: InflateOptions = {}): number {
  const maxBlocks = options.maxBlocks ?? maxBlocksFor(out.length);
  const input = concat(parts, PADDING).subarray(0, -PADDING);
  if (input.length < 2) throw new InflateError('truncated', 'the zlib stream is cut short');
  const cmf = input[0], flg = input[1];
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw corrupt('the zlib header is not valid');
  if (flg & 0x20) throw corrupt('the zlib stream asks for a preset dictionary');

  const s: Bits = { input, padded: new Uint8Array(input.buffer, input.byteOffset, input.length + PADDING), at: 2, buf: 0, count: 0, endOfBlock: false };
  let pos = 0;
  const stats = options.stats ?? { blocks: 0 };
  for (let last = 0; !last; ) {
    if (++stats.blocks > maxBlocks) {
      throw new InflateError('too_many_blocks', `the data is split into more than ${maxBlocks} deflate blocks, more than an encoder writes for ${out.length} bytes`);
    }
    last = take(s, 1);
    const type = take(s, 2);
    if (type === 0) pos = storedBlock(s, out, pos);
    else if (type === 3) throw corrupt('a block has the reserved type 3');
    else {
      const { lit, dist } = type === 1 ? FIXED : dynamicTables(s);
      s.endOfBlock = false;
      while (!s.endOfBlock) pos = huffmanSymbols(s, lit, dist, out, pos);
    }
  }
  alignToByte(s);
  if (s.at > input.length) throw new InflateError('truncated', 'the deflate stream is cut short');
  if (s.at + 4 > input.length) throw new InflateError('truncated', 'the zlib stream ends before its checksum');
  const stored = ((input[s.at] << 24) | (input[s.at + 1] << 16) | (input[s.at + 2] << 8) | input[s.at + 3]) >>> 0;
  if (stored !== adler32(out, pos)) throw corrupt('the Adler-32 checksum of the data does not match');
  return pos;
}

const tooLong = (limit: number) => new InflateError('too_long', `the data inflates to more than the ${limit} bytes expected`);

function storedBlock(s: Bits, out: Uint8Array, pos: number): number {
  alignToByte(s);
  const { input, at } = s;
  if (at + 4 > input.length) throw new InflateError('truncated', 'the deflate stream is cut short');
  const len = input[at] | (input[at + 1] << 8);
  const nlen = input[at + 2] | (input[at + 3] << 8);
  if ((len ^ 0xffff) !== nlen) throw corrupt('a stored block has a bad length');
  if (at + 4 + len > input.length) throw new InflateError('truncated', 'the deflate stream is cut short');
  if (pos + len > out.length) throw tooLong(out.length);
  out.set(input.subarray(at + 4, at + 4 + len), pos);
  s.at = at + 4 + len;
  return pos + len;
}

/** symbols decoded per call of huffmanSymbols: calls that return often get V8 type feedback for their exit */
const SYMBOLS_PER_CALL = 4096;

/**
 * the hot loop: up to SYMBOLS_PER_CALL symbols, or until the end of the block (then s.endOfBlock).
 * the bit state lives in locals here and goes back to `s` on the way out.
 */
function huffmanSymbols(s: Bits, lit: HuffmanTable, dist: HuffmanTable, out: Uint8Array, pos: number): number {
  const input = s.padded, inputEnd = s.input.length, limit = out.length;
  const litTable = lit.table, litMask = (1 << lit.bits) - 1;
  const distTable = dist.table, distMask = (1 << dist.bits) - 1;
  let at = s.at, buf = s.buf, count = s.count;
  for (let n = 0; n < SYMBOLS_PER_CALL; n++) {
    // 15 bits hold any literal/length code; refills below top up for the extra bits and the distance.
    // two bytes at a time (count ≤ 14 + 16 stays under 2^30, a small integer in every V8)
    if (count < 15) {
      if (at >= inputEnd + 4) throw new InflateError('truncated', 'the deflate stream is cut short');
      buf |= (input[at] | (input[at + 1] << 8)) << count;
      at += 2;
      count += 16;
    }
    let entry = litTable[buf & litMask];
    if (entry === 0) entry = decodeLong(lit, buf, 'literal/length');
    let len = entry & 15;
    buf >>>= len;
    count -= len;
    const sym = entry >> 4;
    // past the end of the input the bits are zero padding: a symbol made of them was never sent
    if (at > inputEnd && (at - inputEnd) * 8 > count) throw new InflateError('truncated', 'the deflate stream is cut short');
    if (sym < 256) {
      if (pos >= limit) throw tooLong(limit);
      out[pos++] = sym;
      continue;
    }
    if (sym === 256) {
      s.endOfBlock = true;
      break;
    }
    const li = sym - 257;
    if (li >= 29) throw corrupt(`the data uses length code ${sym}, which does not exist`);
    // extra length bits (≤ 5) and a distance code (≤ 15): 20 bits
    if (count < 20) {
      if (at >= inputEnd + 4) throw new InflateError('truncated', 'the deflate stream is cut short');
      if (count < 12) {
        buf |= (input[at] | (input[at + 1] << 8)) << count;
        at += 2;
        count += 16;
      } else {
        buf |= input[at] << count;
        at++;
        count += 8;
      }
    }
    const lengthExtra = LENGTH_EXTRA[li];
    const length = LENGTH_BASE[li] + (buf & ((1 << lengthExtra) - 1));
    buf >>>= lengthExtra;
    count -= lengthExtra;
    entry = distTable[buf & distMask];
    if (entry === 0) entry = decodeLong(dist, buf, 'distance');
    len = entry & 15;
    buf >>>= len;
    count -= len;
    const di = entry >> 4;
    if (di >= 30) throw corrupt(`the data uses distance code ${di}, which does not exist`);
    const distExtra = DIST_EXTRA[di];
    while (count < distExtra) {
      if (at >= inputEnd + 4) throw new InflateError('truncated', 'the deflate stream is cut short');
      buf |= input[at] << count;
      at++;
      count += 8;
    }
    const distance = DIST_BASE[di] + (buf & ((1 << distExtra) - 1));
    buf >>>= distExtra;
    count -= distExtra;
    if (at > inputEnd && (at - inputEnd) * 8 > count) throw new InflateError('truncated', 'the deflate stream is cut short');
    if (distance > pos) throw corrupt('the data refers back before its start');
    if (pos + length > limit) throw tooLong(limit);
    if (distance >= length && length > 16) {
      out.copyWithin(pos, pos - distance, pos - distance + length);
      pos += length;
    } else {
      // byte by byte: a match may overlap the bytes it produces (distance < length repeats them)
      for (let from = pos - distance, end = pos + length; pos < end; ) out[pos++] = out[from++];
    }
  }
  s.at = at;
  s.buf = buf;
  s.count = count;
  return pos;
}

/** reads a dynamic block's two codes, themselves Huffman-coded with a third, into DYNAMIC */
function dynamicTables(s: Bits): { lit: HuffmanTable; dist: HuffmanTable } {
  const nlit = take(s, 5) + 257;
  const ndist = take(s, 5) + 1;
  const ncode = take(s, 4) + 4;
  if (nlit > 286 || ndist > 30) throw corrupt('a dynamic block lists too many codes');
  const { lit, dist, codeLength: code } = DYNAMIC;
  CODE_LENGTHS.fill(0);
  for (let i = 0; i < ncode; i++) CODE_LENGTHS[CODE_LENGTH_ORDER[i]] = take(s, 3);
  usedUp(s);
  buildTable(code, CODE_LENGTHS, 0, 19, 'code-length');
  const mask = (1 << code.bits) - 1;
  const lengths = LENGTHS;
  for (let i = 0; i < nlit + ndist; ) {
    need(s, MAX_BITS);
    let entry = code.table[s.buf & mask];
    if (entry === 0) entry = decodeLong(code, s.buf, 'code-length');
    const len = entry & 15;
    s.buf >>>= len;
    s.count -= len;
    const sym = entry >> 4;
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw corrupt('a dynamic block repeats a code length before the first one');
      value = lengths[i - 1];
      repeat = 3 + take(s, 2);
    } else repeat = sym === 17 ? 3 + take(s, 3) : 11 + take(s, 7);
    if (i + repeat > nlit + ndist) throw corrupt('a dynamic block repeats code lengths past its end');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  usedUp(s);
  if (lengths[256] === 0) throw corrupt('a dynamic block has no end-of-block code');
  buildTable(lit, lengths, 0, nlit, 'literal/length');
  buildTable(dist, lengths, nlit, ndist, 'distance');
  return DYNAMIC;
}

const PADDING = 8;

/** the parts one after another, followed by `padding` zero bytes */
function concat(parts: Uint8Array[], padding: number): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, padding));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Adler-32 of bytes[0, n), as zlib puts after the data */
export function adler32(bytes: Uint8Array, n = bytes.length): number {
  let a = 1, b = 0;
  // 5552 bytes is the most that can be summed before b can exceed 2^32 (zlib's NMAX)
  for (let start = 0; start < n; start += 5552) {
    const end = Math.min(n, start + 5552);
    for (let i = start; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

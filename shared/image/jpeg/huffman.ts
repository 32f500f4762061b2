import { badJpeg } from './errors';

// a jpeg huffman table (DHT): code lengths 1..16 as counts, then the symbols in code order.
// decoding looks up the next FAST_BITS bits in one table; longer codes walk maxCode per length.
// tables are checked as libjpeg checks them: at most 256 symbols, and no length may hold more codes
// than fit (an over-subscribed table, like the broken corpus file's, is refused before any scan).

export const FAST_BITS = 9;

export interface HuffmanTable {
  /** (2^FAST_BITS) (length << 8) | symbol for codes of up to FAST_BITS bits, 0 for longer ones */
  fast: Uint16Array;
  /** (18) one past the largest code of each length, -1 when the length has no codes; [17] ends the walk */
  maxCode: Int32Array;
  /** (17) index into symbols of each length's first code, minus that code */
  valOffset: Int32Array;
  /** (256) symbols in code order */
  symbols: Uint8Array;
  /**
   * (2^FAST_BITS) for skipping an AC coefficient without its value: (bits of code and value << 8) |
   * zigzag positions to advance (run + 1; 16 for ZRL, 64 for EOB); 0 when they do not fit in FAST_BITS
   */
  skip: Uint16Array;
  /**
   * (2^FAST_BITS) an AC coefficient whose code and value both fit in FAST_BITS, read in one look-up
   * (as stb_image's fast_ac): (value << 8) | (run << 4) | bits of code and value; 0 otherwise
   */
  fastAc: Int32Array;
}

/**
 * builds a table from a DHT's 16 counts and symbols. `maxSymbol` is 15 for DC tables (a DC symbol is
 * a bit count) and 255 for AC tables.
 */
export function buildHuffman(counts: Uint8Array, symbols: Uint8Array, maxSymbol: number): HuffmanTable {
  const fast = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(17);
  const table = new Uint8Array(256);
  table.set(symbols);
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] > maxSymbol) throw badJpeg(`a DC Huffman table has the symbol ${symbols[i]} (at most ${maxSymbol})`);
  }
  let code = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= FAST_BITS) {
        // every FAST_BITS-bit pattern that starts with this code
        const shift = FAST_BITS - len;
        const base = code << shift;
        const entry = (len << 8) | table[k];
        for (let j = 0; j < 1 << shift; j++) fast[base + j] = entry;
      }
    }
    // libjpeg's rule: the codes of a length must leave the all-ones code free
    if (code >= 1 << len) throw badJpeg(`a Huffman table has more codes of length ${len} than fit`);
    if (n > 0) maxCode[len] = code;
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  const skip = new Uint16Array(1 << FAST_BITS);
  const fastAc = new Int32Array(1 << FAST_BITS);
  for (let p = 0; p < skip.length; p++) {
    const e = fast[p];
    if (e === 0) continue;
    const len = e >> 8, rs = e & 0xff, size = rs & 15, run = rs >> 4;
    if (size === 0) {
      if (run === 15) skip[p] = (len << 8) | 16;
      else if (run === 0) skip[p] = (len << 8) | 64;
    } else if (len + size <= FAST_BITS) {
      skip[p] = ((len + size) << 8) | (run + 1);
      // the value's bits follow the code's (EXTEND in the spec: a leading 0 bit means negative)
      const bits = (p >> (FAST_BITS - len - size)) & ((1 << size) - 1);
      const value = bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
      fastAc[p] = (value << 8) | (run << 4) | (len + size);
    }
  }
  return { fast, maxCode, valOffset, symbols: table, skip, fastAc };
}

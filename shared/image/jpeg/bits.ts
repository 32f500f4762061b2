import { badJpeg } from './errors';
import { FAST_BITS, type HuffmanTable } from './huffman';

// the entropy-coded bytes of a scan as bits: 0xFF 0x00 is a data byte 0xFF, any other 0xFF xx is a
// marker that ends the data. past the end the reader feeds zero bits, as libjpeg does, but counts
// them: a scan that needs more than a few is truncated, and the caller refuses it (checkTruncated).

/** zero bytes fed past the end of the data before the scan counts as truncated (peeking reads ahead 2) */
const MAX_PADDING = 4;

export class BitReader {
  /**
   * the bits not yet consumed, the first one highest; at most 24. public for the one hot loop
   * (scan.ts decodeAcRefine) that keeps them in locals between symbols and hands them back (see take)
   */
  buf = 0;
  count = 0;
  /** a marker (or the end of the file) stopped the data at pos */
  private stopped = false;
  private padding = 0;

  constructor(
    private readonly data: Uint8Array,
    /** the next byte to read */
    public pos: number,
  ) {}

  /** brings the buffer to at least 17 bits */
  fill(): void {
    const data = this.data;
    while (this.count <= 16) {
      let b = 0;
      if (!this.stopped) {
        if (this.pos >= data.length) this.stopped = true;
        else {
          b = data[this.pos];
          if (b !== 0xff) this.pos++;
          else if (data[this.pos + 1] === 0x00) this.pos += 2;
          else {
            this.stopped = true;
            b = 0;
          }
        }
      }
      if (this.stopped) this.padding++;
      this.buf = (this.buf << 8) | b;
      this.count += 8;
    }
  }

  bit(): number {
    if (this.count < 1) this.fill();
    this.count--;
    const b = (this.buf >>> this.count) & 1;
    this.buf &= (1 << this.count) - 1;
    return b;
  }

  /** n (0..16) bits as an unsigned number */
  bits(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    const v = this.buf >>> this.count;
    this.buf &= (1 << this.count) - 1;
    return v;
  }

  /** n bits as the signed value jpeg codes them (EXTEND in the spec) */
  signed(n: number): number {
    if (n === 0) return 0;
    const v = this.bits(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /** the next huffman symbol */
  decode(t: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = t.fast[this.buf >>> (this.count - FAST_BITS)];
    if (entry !== 0) {
      this.count -= entry >> 8;
      this.buf &= (1 << this.count) - 1;
      return entry & 0xff;
    }
    for (let len = FAST_BITS + 1; len <= 16; len++) {
      const code = this.buf >>> (this.count - len);
      if (code < t.maxCode[len]) {
        this.count -= len;
        this.buf &= (1 << this.count) - 1;
        return t.symbols[(t.valOffset[len] + code) & 0xff];
      }
    }
    throw badJpeg('the scan data holds a code that is in no Huffman table');
  }

  /**
   * reads past one AC coefficient of a sequential scan without its value: the zigzag positions to
   * advance (run + 1), 16 for a run of 16 zeros, 64 at the end of the block
   */
  skipCoefficient(t: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = t.skip[this.buf >>> (this.count - FAST_BITS)];
    if (entry !== 0) {
      this.count -= entry >> 8;
      this.buf &= (1 << this.count) - 1;
      return entry & 0xff;
    }
    const rs = this.decode(t);
    const size = rs & 15, run = rs >> 4;
    if (size === 0) return run === 15 ? 16 : 64;
    this.bits(size);
    return run + 1;
  }

  /** refuses a scan that has read well past its data */
  checkTruncated(): void {
    if (this.padding > MAX_PADDING) {
      throw badJpeg(this.pos >= this.data.length ? 'the file ends in the middle of the image data, so it looks truncated' : 'a marker interrupts the image data before the image is complete');
    }
  }

  /** at a restart interval: drops the bits left in the byte and expects RSTn (0xFFD0 + n % 8) */
  restart(expected: number): void {
    this.buf = 0;
    this.count = 0;
    this.stopped = false;
    this.padding = 0;
    const d = this.data;
    let p = this.pos;
    while (p + 1 < d.length && d[p] === 0xff && d[p + 1] === 0xff) p++; // fill bytes before a marker are allowed
    if (p + 1 >= d.length || d[p] !== 0xff || d[p + 1] !== 0xd0 + (expected & 7)) {
      throw badJpeg(`restart marker ${expected & 7} is missing where the restart interval puts it`);
    }
    this.pos = p + 2;
  }
}

/** the offset of the next marker at or after pos that is not RSTn (the end of a scan's data), or data.length */
export function nextMarker(data: Uint8Array, pos: number): number {
  for (let p = pos; p + 1 < data.length; p++) {
    if (data[p] !== 0xff) continue;
    const m = data[p + 1];
    if (m !== 0x00 && m !== 0xff && (m < 0xd0 || m > 0xd7)) return p;
  }
  return data.length;
}

import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, InflateError, inflateZlib } from '../../shared/image/inflate';
import { createRng } from '../../shared/rng';

// shared/image/inflate.ts against node's zlib: every kind of block zlib writes, and every way a
// stream can be broken, long or short.

function inflated(compressed: Uint8Array, size: number): Buffer {
  const out = new Uint8Array(size);
  return Buffer.from(out.buffer, 0, inflateZlib([compressed], out));
}

/** byte equality without vitest's deep diff, which takes minutes on megabytes */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** Adler-32 straight from RFC 1950, one modulo per byte */
function referenceAdler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (const v of bytes) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

function failure(parts: Uint8Array[], size: number): InflateError {
  try {
    inflateZlib(parts, new Uint8Array(size));
  } catch (e) {
    if (e instanceof InflateError) return e;
    throw e;
  }
  throw new Error('inflateZlib did not fail');
}

/** data with some repetition, like filtered scanlines: runs, repeats at various distances, noise */
function sample(n: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; ) {
    const kind = rng.int(4);
    const len = 1 + rng.int(300);
    for (let k = 0; k < len && i < n; k++, i++) {
      if (kind === 0) out[i] = rng.int(256);
      else if (kind === 1) out[i] = 0;
      else if (kind === 2 && i > 40_000) out[i] = out[i - 1 - rng.int(3) - 32_000];
      else out[i] = i >= 7 ? out[i - 7] : 3;
    }
  }
  return out;
}

const z = (data: Uint8Array, options: Parameters<typeof deflateSync>[1] = {}) => new Uint8Array(deflateSync(data, options));

describe('inflateZlib reads what zlib writes', () => {
  for (const level of [0, 1, 6, 9]) {
    it(`at compression level ${level}`, () => {
      const data = sample(200_000, level);
      expect(same(inflated(z(data, { level }), data.length), data)).toBe(true);
    });
  }

  it('with fixed Huffman codes only, run-length matches only, and no matches', () => {
    const data = sample(50_000, 7);
    for (const strategy of [constants.Z_FIXED, constants.Z_RLE, constants.Z_HUFFMAN_ONLY]) {
      expect(same(inflated(z(data, { strategy }), data.length), data), `strategy ${strategy}`).toBe(true);
    }
  });

  it('for empty data, one byte, and 10 MB of zeros', () => {
    expect(inflated(z(new Uint8Array(0)), 0).length).toBe(0);
    expect([...inflated(z(Uint8Array.of(42)), 1)]).toEqual([42]);
    const zeros = new Uint8Array(10_000_000);
    expect(same(inflated(z(zeros), zeros.length), zeros)).toBe(true);
  });

  it('across a stream split into many parts, as png splits it into IDAT chunks', () => {
    const data = sample(30_000, 3);
    const compressed = z(data);
    const parts = [];
    for (let at = 0; at < compressed.length; at += 977) parts.push(compressed.subarray(at, at + 977));
    const out = new Uint8Array(data.length);
    expect(inflateZlib(parts, out)).toBe(data.length);
    expect(same(out, data)).toBe(true);
  });

  it('computes Adler-32 as zlib does', () => {
    const data = sample(100_000, 9);
    expect(adler32(data)).toBe(referenceAdler32(data));
    expect(adler32(new Uint8Array(0))).toBe(1);
  });
});

describe('inflateZlib refuses broken streams', () => {
  it('stops at the first byte past the buffer: a bomb never writes beyond it', () => {
    const bomb = z(new Uint8Array(50_000_000));
    const out = new Uint8Array(10_000);
    expect(() => inflateZlib([bomb], out)).toThrow(expect.objectContaining({ reason: 'too_long' }));
  });

  it('reports a stream one byte longer than the buffer as too long', () => {
    const data = sample(1000, 1);
    expect(failure([z(data)], data.length - 1).reason).toBe('too_long');
    expect(failure([z(data, { level: 0 })], data.length - 1).reason).toBe('too_long');
  });

  it('reports every cut-short stream as truncated, whatever byte it stops at', () => {
    const data = sample(3000, 2);
    const compressed = z(data);
    for (let end = 0; end < compressed.length; end++) {
      const e = failure([compressed.subarray(0, end)], data.length);
      expect(e.reason, `cut at ${end} of ${compressed.length}`).toBe('truncated');
    }
  });

  it('refuses a wrong checksum, a bad header, a preset dictionary and the reserved block type', () => {
    const data = sample(2000, 4);
    const bad = z(data);
    bad[bad.length - 1] ^= 1;
    expect(failure([bad], data.length).message).toMatch(/Adler-32/);
    expect(failure([Uint8Array.of(0x78, 0x9d, 0, 0)], 10).message).toMatch(/header/);
    expect(failure([Uint8Array.of(0x78, 0xbb, 0, 0, 0, 0)], 10).message).toMatch(/dictionary/);
    expect(failure([Uint8Array.of(0x78, 0x9c, 0x07, 0)], 10).message).toMatch(/reserved/);
  });

  it('never throws anything but an InflateError for random damage', () => {
    const rng = createRng(5);
    const data = sample(5000, 5);
    const compressed = z(data);
    for (let trial = 0; trial < 300; trial++) {
      const bytes = compressed.slice();
      for (let k = 0; k < 1 + rng.int(4); k++) bytes[2 + rng.int(bytes.length - 2)] = rng.int(256);
      try {
        inflateZlib([bytes], new Uint8Array(data.length));
      } catch (e) {
        expect(e, `trial ${trial}`).toBeInstanceOf(InflateError);
      }
    }
  });
});

import fc from 'fast-check';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InflateError, inflateZlib, maxBlocksFor, type InflateOptions } from '../../shared/image/inflate';
import { grayScanlines, zlibWithEmptyBlocks, type EmptyBlock } from '../../scripts/lib/hostile-png';
import { createRng } from '../../shared/rng';

// inflate's work is bounded by the output it produces: a capped number of deflate blocks, Huffman
// codes refused as zlib refuses them, and node's zlib as the oracle for streams no encoder writes.

type Outcome = { ok: true; bytes: Uint8Array; blocks: number } | { ok: false; error: InflateError; blocks: number };

/** our decoder's answer; anything thrown but an InflateError fails the test */
function ours(stream: Uint8Array, size: number, options: InflateOptions = {}): Outcome {
  const out = new Uint8Array(size);
  const stats = { blocks: 0 };
  try {
    const n = inflateZlib([stream], out, { ...options, stats });
    return { ok: true, bytes: out.subarray(0, n), blocks: stats.blocks };
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    return { ok: false, error: e, blocks: stats.blocks };
  }
}

/** node's zlib: the bytes, or its message */
function theirs(stream: Uint8Array): Uint8Array | string {
  try {
    return new Uint8Array(inflateSync(stream));
  } catch (e) {
    return (e as Error).message;
  }
}

/** what both say about a stream: ours must accept exactly what zlib accepts, with the same bytes */
function expectSameAsZlib(stream: Uint8Array, context: string): { zlib: Uint8Array | string; ours: Outcome } {
  const zlib = theirs(stream);
  const result = ours(stream, typeof zlib === 'string' ? 1024 : zlib.length, { maxBlocks: Infinity });
  if (typeof zlib === 'string') {
    expect(result.ok, `${context}: zlib refuses it (${zlib}) but we accept it`).toBe(false);
  } else {
    expect(result.ok ? 'accepted' : result.error.message, `${context}: zlib accepts it`).toBe('accepted');
    if (result.ok) expect(Buffer.from(result.bytes).equals(Buffer.from(zlib)), context).toBe(true);
  }
  return { zlib, ours: result };
}

const digit = { width: 28, height: 28, gray: Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 256) };
const scanlines = grayScanlines(digit);

describe('inflateZlib refuses streams of empty blocks after a few more blocks than an encoder writes', () => {
  it('refuses 17,000 empty dynamic blocks with incomplete codes at the first one, as zlib does', () => {
    const stream = zlibWithEmptyBlocks('dynamic-incomplete', 17_000, scanlines);
    expect(theirs(stream)).toMatch(/invalid literal\/lengths set/);
    const result = ours(stream, scanlines.length, { maxBlocks: Infinity });
    expect(result.ok).toBe(false);
    expect(result.blocks).toBe(1);
    if (!result.ok) expect(result.error).toMatchObject({ reason: 'corrupt', message: 'a literal/length Huffman code is incomplete' });
  });

  for (const kind of ['dynamic-zlib', 'dynamic-full', 'fixed', 'stored'] as EmptyBlock[]) {
    it(`stops at block ${maxBlocksFor(scanlines.length) + 1} of 11,000 empty ${kind} blocks that zlib accepts, and decodes them when allowed`, () => {
      const stream = zlibWithEmptyBlocks(kind, 11_000, scanlines);
      const zlib = theirs(stream);
      expect(typeof zlib).not.toBe('string');
      const refused = ours(stream, scanlines.length);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.reason).toBe('too_many_blocks');
      expect(refused.blocks).toBe(maxBlocksFor(scanlines.length) + 1);
      // the same stream, uncapped: what zlib makes of it
      const allowed = ours(stream, scanlines.length, { maxBlocks: Infinity });
      expect(allowed.blocks).toBe(11_001);
      expect(allowed.ok && Buffer.from(allowed.bytes).equals(Buffer.from(zlib as Uint8Array))).toBe(true);
    });
  }

  it('reads every stream node\'s zlib writes for a whole image within the cap, at every level, strategy and memory level', () => {
    const rng = createRng(3);
    // 200 KB of scanline-like bytes: runs, noise and repeats
    const data = new Uint8Array(200_000);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(4) === 0 ? rng.int(256) : i >= 321 ? data[i - 321] : i & 0xff;
    for (const level of [0, 1, 6, 9]) {
      for (const memLevel of [8, 9]) {
        for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE]) {
          const result = ours(new Uint8Array(deflateSync(data, { level, memLevel, strategy })), data.length);
          expect(result.ok ? result.blocks : result.error.message, `level ${level} memLevel ${memLevel} strategy ${strategy}`).toBeLessThanOrEqual(maxBlocksFor(data.length));
        }
      }
    }
  });
});

// ---------------------------------------------------------------- Huffman codes, against zlib

/** bits written lowest first, Huffman codes most significant bit first */
class Bits {
  bytes: number[] = [];
  private acc = 0;
  private n = 0;
  put(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1);
    return this;
  }
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bit((code >> i) & 1);
    return this;
  }
  private bit(b: number) {
    this.acc |= b << this.n;
    if (++this.n === 8) {
      this.bytes.push(this.acc);
      this.acc = this.n = 0;
    }
  }
  done(): number[] {
    if (this.n) this.bytes.push(this.acc);
    this.acc = this.n = 0;
    return this.bytes;
  }
}

/** canonical codes of code lengths (RFC 1951 3.2.2); -1 for a symbol without a code */
function canonical(lengths: number[]): number[] {
  const count = new Array(17).fill(0);
  for (const l of lengths) if (l) count[l]++;
  const next = new Array(17).fill(0);
  for (let len = 2; len <= 16; len++) next[len] = (next[len - 1] + count[len - 1]) << 1;
  return lengths.map((l) => (l ? next[l]++ : -1));
}

const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** a complete code-length code: 0..12 in 4 bits, 13..18 in 5 (13/16 + 6/32 = 1) */
const CL_LENGTHS = Array.from({ length: 19 }, (_, s) => (s < 13 ? 4 : 5));
const CL_CODES = canonical(CL_LENGTHS);

function adlerBytes(data: number[]): number[] {
  let a = 1, b = 0;
  for (const v of data) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return [b >> 8, b & 0xff, a >> 8, a & 0xff];
}

/** a zlib stream of one dynamic block with these code lengths, sending `literals` then (if asked) a match, then end of block */
function dynamicBlockStream(lit: number[], dist: number[], literals: number[], match: boolean): { stream: Uint8Array; output: number[] } {
  const w = new Bits().put(1, 1).put(2, 2).put(lit.length - 257, 5).put(dist.length - 1, 5).put(19 - 4, 4);
  for (const s of ORDER) w.put(CL_LENGTHS[s], 3);
  for (const len of [...lit, ...dist]) w.code(CL_CODES[len], CL_LENGTHS[len]);
  const litCodes = canonical(lit), distCodes = canonical(dist);
  const output: number[] = [];
  for (const v of literals) {
    w.code(litCodes[v], lit[v]);
    output.push(v);
  }
  // length 3 (code 257, no extra bits) at distance 1 (code 0, no extra bits)
  if (match && litCodes[257] >= 0) {
    w.code(litCodes[257], lit[257]);
    if (distCodes[0] >= 0) w.code(distCodes[0], dist[0]);
    const last = output[output.length - 1];
    output.push(last, last, last);
  }
  if (litCodes[256] >= 0) w.code(litCodes[256], lit[256]);
  return { stream: Uint8Array.from([0x78, 0x01, ...w.done(), ...adlerBytes(output)]), output };
}

type Shape = 'complete' | 'incomplete' | 'over-subscribed' | 'one 1-bit code' | 'one longer code' | 'empty' | 'random';

/** code lengths over n symbols of a given shape; `picks` drive the random choices */
function codeLengths(n: number, shape: Shape, picks: number[]): number[] {
  const lengths = new Array(n).fill(0);
  let p = 0;
  const pick = (m: number) => picks[p++ % picks.length] % m;
  if (shape === 'empty') return lengths;
  if (shape === 'random') return lengths.map(() => (pick(3) === 0 ? pick(16) : 0));
  if (shape === 'one 1-bit code' || shape === 'one longer code') {
    lengths[pick(n)] = shape === 'one 1-bit code' ? 1 : 2 + pick(14);
    return lengths;
  }
  // a complete code: split random leaves of a binary tree (at most 15 deep, at most n leaves)
  const leaves = [1, 1];
  for (let k = 0; k < picks.length && leaves.length < n; k++) {
    const i = pick(leaves.length);
    if (leaves[i] < 15) leaves.splice(i, 1, leaves[i] + 1, leaves[i] + 1);
  }
  if (shape === 'incomplete') leaves.splice(pick(leaves.length), 1);
  if (shape === 'over-subscribed' && leaves.length < n) leaves.push(leaves[pick(leaves.length)]);
  // the leaves on distinct symbols, the end of block first among them half the time
  const symbols = Array.from({ length: n }, (_, s) => s);
  for (let i = n - 1; i > 0; i--) {
    const j = pick(i + 1);
    [symbols[i], symbols[j]] = [symbols[j], symbols[i]];
  }
  if (n > 256 && pick(2) === 0) symbols.splice(symbols.indexOf(256), 1), symbols.unshift(256);
  leaves.forEach((len, i) => (lengths[symbols[i]] = len));
  return lengths;
}

const shapes: Shape[] = ['complete', 'incomplete', 'over-subscribed', 'one 1-bit code', 'one longer code', 'empty', 'random'];

describe('inflateZlib accepts exactly the Huffman codes zlib accepts', () => {
  it('refuses an incomplete literal/length or distance code and an over-subscribed one, but allows one 1-bit code or none', () => {
    const lit = new Array(257).fill(0);
    lit[256] = 1;
    lit[65] = 1; // complete: 'A' and the end of block
    const one = [1], none = [0], two = [2];
    const cases: [number[], number[], boolean][] = [
      [lit, one, true], [lit, none, true], [lit, two, false], [lit, [1, 1, 1], false],
      [lit.map((l, s) => (s === 65 ? 0 : l)), one, true], // only the end of block, in 1 bit
      [lit.map((l, s) => (s === 65 ? 2 : l)), one, false], // 'A' in 2 bits: a gap
    ];
    for (const [l, d, accepted] of cases) {
      const { stream } = dynamicBlockStream(l, d, l[65] ? [65] : [], false);
      const { zlib, ours: result } = expectSameAsZlib(stream, `lit ${l.filter(Boolean)} dist ${d}`);
      expect(typeof zlib !== 'string', `lit ${l.filter(Boolean)} dist ${d}`).toBe(accepted);
      if (!accepted && !result.ok) expect(result.error.message).toMatch(/incomplete|over-subscribed/);
    }
  });

  it('a match with no distance code is refused by both', () => {
    const lit = new Array(258).fill(0);
    lit[256] = 1;
    lit[65] = 2;
    lit[257] = 2;
    const { stream } = dynamicBlockStream(lit, [0], [65], true);
    const { zlib } = expectSameAsZlib(stream, 'match without a distance code');
    expect(typeof zlib).toBe('string');
  });

  it('agrees with zlib on random dynamic blocks of every shape of code', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...shapes), fc.constantFrom(...shapes), fc.integer({ min: 257, max: 286 }), fc.integer({ min: 1, max: 30 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }), fc.array(fc.nat(255), { maxLength: 8 }), fc.boolean(),
        (litShape, distShape, nlit, ndist, picks, wanted, match) => {
          const lit = codeLengths(nlit, litShape, picks);
          const dist = codeLengths(ndist, distShape, picks.slice(1).concat(picks[0]));
          // send only literals that have a code (a missing one is a different, earlier failure)
          const literals = wanted.filter((v) => lit[v] > 0);
          const { stream, output } = dynamicBlockStream(lit, dist, literals, match && literals.length > 0);
          const { zlib } = expectSameAsZlib(stream, `${litShape} ${nlit} / ${distShape} ${ndist}`);
          if (typeof zlib !== 'string') expect(Array.from(zlib)).toEqual(output);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('inflateZlib on random streams', () => {
  it('never throws anything but an InflateError, never reads past the block cap, and agrees with zlib, for random bytes after a zlib header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.integer({ min: 0, max: 70_000 }), (body, size) => {
        const stream = Uint8Array.from([0x78, 0x9c, ...body]);
        const result = ours(stream, size);
        expect(result.blocks).toBeLessThanOrEqual(maxBlocksFor(size) + 1);
        expectSameAsZlib(stream, `${body.length} random bytes`);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with zlib on real streams with random bytes changed or cut short', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 << 30 }), fc.integer({ min: 0, max: 5000 }), fc.constantFrom(0, 1, 6, 9), fc.constantFrom(1, 8, 9),
        fc.constantFrom(constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.option(fc.nat()),
        (seed, n, level, memLevel, strategy, edits, cut) => {
          const rng = createRng(seed);
          const data = new Uint8Array(n);
          for (let i = 0; i < n; i++) data[i] = rng.int(3) === 0 ? rng.int(256) : i >= 7 ? data[i - 1 - rng.int(7)] : 0;
          let stream = new Uint8Array(deflateSync(data, { level, memLevel, strategy }));
          for (const [at, x] of edits) stream[2 + (at % (stream.length - 2))] ^= x;
          if (cut !== null) stream = stream.subarray(0, cut % (stream.length + 1));
          expectSameAsZlib(stream, `${n} bytes, level ${level}, ${edits.length} edits, cut ${cut}`);
          // within the cap unless memLevel 1 made a block of every 127 symbols
          if (edits.length === 0 && cut === null && memLevel > 1) expect(ours(stream, n).ok).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, ImageError, MAX_CHUNKS } from '../../shared/image/png';
import { maxBlocksFor } from '../../shared/image/inflate';
import { chunk, concat, ihdr, PNG_SIGNATURE } from '../../scripts/lib/png';
import { emptyBlocksPng, emptyTextsPng, grayPng, grayScanlines, oneByteIdatsPng, zlibWithEmptyBlocks, type GrayImage } from '../../scripts/lib/hostile-png';

// a PNG's cost is bounded by its image, not by how many pieces it comes in: at most MAX_CHUNKS
// chunks and maxBlocksFor(image data) deflate blocks, refused with a status a client can act on.

async function outcome(bytes: Uint8Array): Promise<ImageError | Awaited<ReturnType<typeof decodePng>>> {
  try {
    return await decodePng(bytes);
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    return err;
  }
}

async function rejection(bytes: Uint8Array): Promise<ImageError> {
  const result = await outcome(bytes);
  if (!(result instanceof ImageError)) throw new Error('expected decodePng to reject');
  return result;
}

const image = (side: number): GrayImage => ({ width: side, height: side, gray: Array.from({ length: side * side }, (_, i) => (i * 53) % 256) });
const digit = image(28);
const digitZlib = new Uint8Array(deflateSync(grayScanlines(digit)));
const FREE_BYTES = 128 * 1024;

describe('decodePng refuses the hostile constructions of a 128 KiB file', () => {
  it('answers 400 bad_png at the first of ~17,900 empty dynamic blocks whose codes zlib calls incomplete', async () => {
    const { png, blocks } = emptyBlocksPng('dynamic-incomplete', digit, FREE_BYTES);
    expect(blocks).toBeGreaterThan(17_000);
    const err = await rejection(png);
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/a literal\/length Huffman code is incomplete/);
  });

  // 28 rows of a filter byte and 28 pixels
  const DIGIT_DATA = 28 * 29;

  for (const kind of ['dynamic-zlib', 'stored', 'fixed'] as const) {
    it(`answers 422 unsupported_png to a digit after thousands of empty ${kind} blocks that zlib accepts`, async () => {
      const { png, blocks } = emptyBlocksPng(kind, digit, FREE_BYTES);
      expect(blocks).toBeGreaterThan(10_000);
      const err = await rejection(png);
      expect(err).toMatchObject({ code: 'unsupported_png', status: 422 });
      expect(err.message).toMatch(new RegExp(`more than ${maxBlocksFor(DIGIT_DATA)} deflate blocks`));
    });
  }

  it(`decodes a digit in ${maxBlocksFor(DIGIT_DATA)} deflate blocks, and refuses one in one more`, async () => {
    // the empty blocks, then the digit in one stored block
    const file = (blocks: number) => grayPng(28, 28, zlibWithEmptyBlocks('dynamic-zlib', blocks - 1, grayScanlines(digit)));
    expect((await decodePng(file(maxBlocksFor(DIGIT_DATA)))).gray).toEqual(Float32Array.from(digit.gray));
    expect(await rejection(file(maxBlocksFor(DIGIT_DATA) + 1))).toMatchObject({ code: 'unsupported_png', status: 422 });
  });

  it('answers 422 unsupported_png to ~9,900 one-byte IDAT chunks, naming the chunk limit', async () => {
    const { png, chunks } = oneByteIdatsPng(image, FREE_BYTES);
    expect(chunks).toBeGreaterThan(9_000);
    expect(png.length).toBeLessThanOrEqual(FREE_BYTES);
    const err = await rejection(png);
    expect(err).toMatchObject({ code: 'unsupported_png', status: 422 });
    expect(err.message).toMatch(new RegExp(`more than ${MAX_CHUNKS} chunks`));
  });

  it('answers 422 unsupported_png to ~10,900 empty tEXt chunks before a digit', async () => {
    const { png, chunks } = emptyTextsPng(digit, digitZlib, FREE_BYTES);
    expect(chunks).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThanOrEqual(FREE_BYTES);
    expect(await rejection(png)).toMatchObject({ code: 'unsupported_png', status: 422 });
  });

  it(`decodes a file of exactly ${MAX_CHUNKS} chunks, and refuses one more`, async () => {
    const file = (n: number) => concat(PNG_SIGNATURE, ihdr({ width: 28, height: 28, bitDepth: 8, colorType: 0 }), ...new Array(n - 3).fill(chunk('tEXt')), chunk('IDAT', digitZlib), chunk('IEND'));
    expect((await decodePng(file(MAX_CHUNKS))).gray).toEqual(Float32Array.from(digit.gray));
    expect(await rejection(file(MAX_CHUNKS + 1))).toMatchObject({ code: 'unsupported_png', status: 422 });
  });
});

describe('decodePng reads chunk types as four letters', () => {
  const withChunk = (type: string) => concat(PNG_SIGNATURE, ihdr({ width: 28, height: 28, bitDepth: 8, colorType: 0 }), chunk(type, Uint8Array.of(1)), chunk('IDAT', digitZlib), chunk('IEND'));

  it('skips an ancillary chunk whatever its other letters', async () => {
    for (const type of ['iDAT', 'zzzz', 'tEXt', 'gAMA', 'iEND']) expect(await outcome(withChunk(type)), type).not.toBeInstanceOf(ImageError);
  });

  it('refuses an unknown critical chunk by its name, and a type that is not four letters', async () => {
    const err = await rejection(withChunk('IDAt'));
    expect(err).toMatchObject({ code: 'unsupported_png', status: 422 });
    expect(err.message).toMatch(/critical chunk IDAt/);
    for (const type of ['ID@T', 'IDA[', 'ID`T', 'id{t', 'I\u0000AT']) expect(await rejection(withChunk(type)), JSON.stringify(type)).toMatchObject({ code: 'bad_png', message: expect.stringMatching(/invalid type/) });
  });
});

// ---------------------------------------------------------------- random layouts

type Piece =
  | { kind: 'idat'; cut: number }
  | { kind: 'ancillary'; type: string; length: number }
  | { kind: 'critical'; type: string }
  | { kind: 'text-after-idat' }
  | { kind: 'bad-crc' }
  | { kind: 'iend' };

const letter = (upper: boolean) => fc.integer({ min: 0, max: 25 }).map((i) => String.fromCharCode((upper ? 65 : 97) + i));
const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('idat' as const), cut: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ancillary' as const), type: fc.tuple(letter(false), letter(true), letter(true), letter(false)).map((l) => l.join('')), length: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('critical' as const), type: fc.constantFrom('IHDR', 'ABCD', 'IDAt') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'text-after-idat' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bad-crc' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'iend' as const }) },
);

/**
 * a file from pieces: IDAT pieces share the digit's zlib stream, split where they say (the rest goes
 * in a last IDAT); `repeat` copies of the ancillary pieces make the layout long
 */
function layout(pieces: Piece[], repeat: number): { bytes: Uint8Array; chunks: number; valid: boolean } {
  const parts: Uint8Array[] = [PNG_SIGNATURE, ihdr({ width: 28, height: 28, bitDepth: 8, colorType: 0 })];
  let valid = true;
  let at = 0;
  let idatSeen = false;
  let idatEnded = false;
  for (const p of pieces) {
    if (p.kind === 'idat') {
      const end = Math.min(digitZlib.length, at + (p.cut % 200));
      if (idatEnded) valid = false;
      parts.push(chunk('IDAT', digitZlib.subarray(at, end)));
      at = end;
      idatSeen = true;
      continue;
    }
    if (idatSeen) idatEnded = true;
    if (p.kind === 'ancillary') for (let i = 0; i < repeat; i++) parts.push(chunk(p.type, new Uint8Array(p.length).fill(i)));
    else if (p.kind === 'critical') {
      parts.push(chunk(p.type, new Uint8Array(3)));
      valid = false;
    } else if (p.kind === 'text-after-idat') parts.push(chunk('tEXt', new TextEncoder().encode('Comment\0late')));
    else if (p.kind === 'bad-crc') {
      const c = chunk('tIME', new Uint8Array(7));
      c[c.length - 1] ^= 1;
      parts.push(c);
      valid = false;
    } else {
      // the decoder stops at the first IEND: whatever follows is never read
      parts.push(chunk('IEND'));
      const chunks = parts.length - 1;
      return { bytes: concat(...parts), chunks, valid: valid && at === digitZlib.length && chunks <= MAX_CHUNKS };
    }
  }
  if (at < digitZlib.length) {
    if (idatEnded) valid = false;
    parts.push(chunk('IDAT', digitZlib.subarray(at)));
  }
  parts.push(chunk('IEND'));
  const chunks = parts.length - 1;
  return { bytes: concat(...parts), chunks, valid: valid && chunks <= MAX_CHUNKS };
}

describe('decodePng on random chunk layouts', () => {
  it('never throws anything but an ImageError, refuses more than MAX_CHUNKS chunks with 422, and decodes every valid layout to the same digit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.constantFrom(1, 1, 5, 40, 600), async (pieces, repeat) => {
        const { bytes, chunks, valid } = layout(pieces, repeat);
        const result = await outcome(bytes);
        const context = `${chunks} chunks: ${pieces.map((p) => p.kind).join(' ')}`;
        if (valid) {
          expect(result, context).not.toBeInstanceOf(ImageError);
          if (!(result instanceof ImageError)) expect(result.gray, context).toEqual(Float32Array.from(digit.gray));
        } else {
          expect(result, context).toBeInstanceOf(ImageError);
        }
        if (chunks > MAX_CHUNKS && result instanceof ImageError && result.code === 'unsupported_png') expect(result.status).toBe(422);
      }),
      { numRuns: 400 },
    );
  });
});

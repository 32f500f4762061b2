import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import { MAX_CHUNKS } from '../../shared/image/png';
import { maxBlocksFor } from '../../shared/image/inflate';
import {
  emptyBlocksPng, emptyTextsPng, grayPng, grayScanlines, oneByteIdatsPng, pngChunk, zlibWithEmptyBlocks, type EmptyBlock, type GrayImage,
} from '../../scripts/lib/hostile-png';
import { expectError, postBytes } from './helpers/http';
import { modelFile, publish, randomNetwork } from './helpers/models';

// the PNGs an attacker builds to make the decoder work per deflate block or per chunk, built here bit
// by bit and sent to the Worker: each refused with the status its problem deserves, and no random
// stream or chunk layout ever gets a 5xx.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(randomNetwork(11)));
});

const BYTES = LIMITS.free.imageBytes;

/** a dark square on white, side × side */
const square = (side: number): GrayImage => ({
  width: side, height: side,
  gray: Array.from({ length: side * side }, (_, i) => (Math.abs((i % side) - side / 2) < side / 4 && Math.abs(Math.floor(i / side) - side / 2) < side / 3 ? 20 : 235)),
});
const digit = square(28);
const digitData = grayScanlines(digit);
/** the digit's scanlines as one stored block: a zlib stream built without node:zlib */
const digitZlib = zlibWithEmptyBlocks('stored', 0, digitData);

const classify = (png: Uint8Array) => postBytes('/classify', png, 'image/png');

describe('POST /classify with a 128 KiB PNG built to cost work rather than bytes', () => {
  it('answers 400 bad_png to ~17,900 empty dynamic blocks whose Huffman codes zlib calls incomplete', async () => {
    const { png, blocks } = emptyBlocksPng('dynamic-incomplete', digit, BYTES);
    expect(blocks).toBeGreaterThan(17_000);
    expect(await expectError(await classify(png), 400, 'bad_png')).toMatch(/Huffman code is incomplete/);
  });

  for (const kind of ['dynamic-zlib', 'stored', 'fixed'] as EmptyBlock[]) {
    it(`answers 422 unsupported_png to thousands of empty ${kind} blocks that zlib accepts`, async () => {
      const { png, blocks } = emptyBlocksPng(kind, digit, BYTES);
      expect(blocks).toBeGreaterThan(10_000);
      expect(await expectError(await classify(png), 422, 'unsupported_png')).toMatch(new RegExp(`more than ${maxBlocksFor(digitData.length)} deflate blocks`));
    });
  }

  it('classifies the digit sent in as many deflate blocks as the cap allows', async () => {
    // the empty blocks whose tables cost the most to build (every code, up to 10 bits)
    const res = await classify(grayPng(28, 28, zlibWithEmptyBlocks('dynamic-full', maxBlocksFor(digitData.length) - 1, digitData)));
    expect(res.status).toBe(200);
  });

  it('answers 422 unsupported_png to ~9,900 one-byte IDAT chunks', async () => {
    const { png, chunks } = oneByteIdatsPng(square, BYTES);
    expect(chunks).toBeGreaterThan(9_000);
    expect(await expectError(await classify(png), 422, 'unsupported_png')).toMatch(new RegExp(`more than ${MAX_CHUNKS} chunks`));
  });

  it('answers 422 unsupported_png to ~10,900 empty tEXt chunks, and classifies the digit with as many as the cap allows', async () => {
    const { png, chunks } = emptyTextsPng(digit, digitZlib, BYTES);
    expect(chunks).toBeGreaterThan(10_000);
    await expectError(await classify(png), 422, 'unsupported_png');
    // IHDR, one IDAT and IEND beside the texts: exactly MAX_CHUNKS chunks pass, one more does not
    const texts = (n: number) => grayPng(28, 28, digitZlib, 8192, new Array(n).fill(pngChunk('tEXt')));
    expect((await classify(texts(MAX_CHUNKS - 3))).status).toBe(200);
    await expectError(await classify(texts(MAX_CHUNKS - 2)), 422, 'unsupported_png');
  });
});

// ---------------------------------------------------------------- random streams and layouts

async function expectNo5xx(res: Response, context: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${context} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) expect(Object.keys(JSON.parse(text)), context).toEqual(['error']);
}

const kinds: EmptyBlock[] = ['dynamic-incomplete', 'dynamic-zlib', 'dynamic-full', 'stored', 'fixed'];

describe('POST /classify with random deflate streams and chunk layouts', () => {
  it('never answers a 5xx to random bytes, or empty blocks then random bytes, as the image data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds), fc.integer({ min: 0, max: 400 }), fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 200 }),
        async (kind, blocks, tail, side, idatSize) => {
          // empty blocks, then the digit's stream cut short and random bytes: whatever follows the blocks
          const stream = zlibWithEmptyBlocks(kind, blocks, digitData).subarray(0, -digitData.length - 9);
          const data = new Uint8Array(stream.length + tail.length);
          data.set(stream);
          data.set(tail, stream.length);
          await expectNo5xx(await classify(grayPng(side, side, data, idatSize)), `${blocks} ${kind} blocks, ${tail.length} random bytes, ${side}²`);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never answers a 5xx to the digit in random chunk layouts', async () => {
    const ancillary = fc.tuple(fc.constantFrom('tEXt', 'zTXt', 'gAMA', 'pHYs', 'iCCP', 'aBcD'), fc.uint8Array({ maxLength: 30 }), fc.integer({ min: 1, max: 300 }));
    await fc.assert(
      fc.asyncProperty(fc.array(ancillary, { maxLength: 6 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), async (extras, idatSize, preprocess) => {
        const before = extras.flatMap(([type, data, repeat]) => new Array(repeat).fill(pngChunk(type, data)));
        const png = grayPng(28, 28, digitZlib, idatSize, before);
        const res = await postBytes(`/classify?preprocess=${preprocess}`, png, 'image/png');
        // IHDR, the extras, the IDATs and IEND: the decoder counts every chunk after the signature
        const chunks = 2 + before.length + Math.ceil(digitZlib.length / idatSize);
        if (png.length > BYTES) return void (await expectNo5xx(res, 'too large'));
        if (chunks > MAX_CHUNKS) return void (await expectError(res, 422, 'unsupported_png'));
        expect(res.status, `${chunks} chunks`).toBe(200);
        await res.arrayBuffer();
      }),
      { numRuns: 80 },
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, ImageError, type DecodedImage } from '../../shared/image/png';
import { rowFilters } from '../../scripts/lib/png';

// the decoder against files this project did not make (a subset of Willem van Schaik's PngSuite,
// test/fixtures/pngsuite/, licence beside it) and pixels it did not compute (pngjs, a separate
// decoder with its own filters and bit unpacking). file names: 4 letters of what the file tests,
// then n/i (not interlaced / interlaced), the colour type and the bit depth, e.g. basn3p04, f02n2c08.

const DIR = join(import.meta.dirname, '../fixtures/pngsuite');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.png')).sort();
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

const corrupt = FILES.filter((f) => f.startsWith('x'));
const interlaced = FILES.filter((f) => !f.startsWith('x') && f[3] === 'i');
const plain = FILES.filter((f) => !f.startsWith('x') && f[3] === 'n');

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

function header(bytes: Uint8Array): Header {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colorType: bytes[25] };
}

/**
 * luminance and alpha from pngjs's RGBA, by the formula shared/image/png.ts documents:
 * gray = 0.299 r + 0.587 g + 0.114 b on the 0..255 scale, alpha = a / max. null gray marks a
 * pixel pngjs blanked to 0,0,0,0 because it is the tRNS colour (our decoder keeps its colour).
 */
function reference(bytes: Uint8Array): { width: number; height: number; gray: (number | null)[]; alpha: number[] } {
  const sixteen = header(bytes).bitDepth === 16;
  // 16-bit samples as they are (pngjs would round them to 8 bits); lower depths are scaled exactly
  const png = PNG.sync.read(Buffer.from(bytes), { skipRescale: sixteen });
  const max = sixteen ? 65535 : 255;
  const n = png.width * png.height;
  const data = png.data as ArrayLike<number>;
  const gray: (number | null)[] = [];
  const alpha: number[] = [];
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]];
    gray.push(r + g + b + a === 0 ? null : ((0.299 * r + 0.587 * g + 0.114 * b) * 255) / max);
    alpha.push(a / max);
  }
  return { width: png.width, height: png.height, gray, alpha };
}

/** the first pixel that differs by more than `tolerance` (gray on 0..255, alpha on 0..1), or null */
function firstDifference(ours: DecodedImage, theirs: ReturnType<typeof reference>, tolerance: number): string | null {
  for (let i = 0; i < theirs.alpha.length; i++) {
    const at = `pixel (${i % theirs.width}, ${Math.floor(i / theirs.width)})`;
    const alpha = ours.alpha ? ours.alpha[i] : 1;
    if (!(Math.abs(alpha - theirs.alpha[i]) <= tolerance / 255)) return `${at}: alpha ${alpha}, pngjs ${theirs.alpha[i]}`;
    const gray = theirs.gray[i];
    if (gray === null) {
      if (alpha !== 0) return `${at}: pngjs made it the transparent colour, ours has alpha ${alpha}`;
      continue;
    }
    if (!(Math.abs(ours.gray[i] - gray) <= tolerance)) return `${at}: gray ${ours.gray[i]}, pngjs ${gray}`;
  }
  return null;
}

async function rejection(bytes: Uint8Array): Promise<unknown> {
  try {
    await decodePng(bytes);
  } catch (err) {
    return err;
  }
  throw new Error('expected decodePng to reject');
}

describe('the PngSuite subset', () => {
  it('covers every colour type and bit depth, all five filter types, odd sizes and interlacing', () => {
    const kinds = new Set(plain.map((f) => `${header(read(f)).colorType}/${header(read(f)).bitDepth}`));
    expect([...kinds].sort()).toEqual(['0/1', '0/16', '0/2', '0/4', '0/8', '2/16', '2/8', '3/1', '3/2', '3/4', '3/8', '4/16', '4/8', '6/16', '6/8']);
    const filters = new Set(plain.flatMap((f) => rowFilters(read(f))));
    expect([...filters].sort()).toEqual([0, 1, 2, 3, 4]);
    const sizes = new Set(plain.map((f) => header(read(f)).width));
    for (const side of [1, 2, 3, 5, 7, 9, 33, 35, 37, 39]) expect(sizes).toContain(side);
    expect(interlaced.length).toBeGreaterThanOrEqual(15);
    expect(corrupt.length).toBeGreaterThanOrEqual(14);
  });
});

describe('decodePng on the PngSuite, pixel for pixel against pngjs', () => {
  it.each(plain)('%s', async (name) => {
    const bytes = read(name);
    const ours = await decodePng(bytes);
    const theirs = reference(bytes);
    expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
    // float32 arithmetic on our side, float64 on the reference's: equal to well within 1/1000 of a level
    expect(firstDifference(ours, theirs, 1e-3)).toBeNull();
  });
});

describe('decodePng refuses what it does not support, with a status a client can act on', () => {
  it.each(interlaced)('%s (interlaced) answers 422 unsupported_png', async (name) => {
    const err = await rejection(read(name));
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({ code: 'unsupported_png', status: 422 });
  });

  // what each corrupt file breaks (PngSuite's own descriptions), and the answer it must get
  const expected: Record<string, [code: string, status: number, message: RegExp]> = {
    'xc1n0g08.png': ['bad_png', 400, /colour type 1, which does not exist/],
    'xc9n2c08.png': ['bad_png', 400, /colour type 9, which does not exist/],
    'xcrn0g04.png': ['not_png', 415, /not a PNG file/], // the signature's line ends turned into CR LF
    'xlfn0g04.png': ['not_png', 415, /not a PNG file/], // and into LF
    'xs1n0g01.png': ['not_png', 415, /not a PNG file/], // signature byte 1 with its top bit cleared
    'xs2n0g01.png': ['not_png', 415, /not a PNG file/], // signature byte 2 a 'Q'
    'xs4n0g01.png': ['not_png', 415, /not a PNG file/], // signature byte 4 lower case
    'xs7n0g01.png': ['not_png', 415, /not a PNG file/], // signature byte 7 a space instead of ^Z
    'xcsn0g01.png': ['bad_png', 400, /chunk IDAT has a bad CRC/],
    'xhdn0g08.png': ['bad_png', 400, /chunk IHDR has a bad CRC/],
    'xd0n2c08.png': ['bad_png', 400, /bit depth 0 is not allowed/],
    'xd3n2c08.png': ['bad_png', 400, /bit depth 3 is not allowed/],
    'xd9n2c08.png': ['bad_png', 400, /bit depth 99 is not allowed/],
    'xdtn0g01.png': ['bad_png', 400, /no IDAT chunk/],
  };

  it('knows what every corrupt file in the fixtures should get', () => {
    expect(Object.keys(expected).sort()).toEqual(corrupt);
  });

  it.each(corrupt)('%s (corrupt) is refused with a 4xx ImageError that says why', async (name) => {
    const err = await rejection(read(name));
    expect(err).toBeInstanceOf(ImageError);
    const [code, status, message] = expected[name];
    expect(err).toMatchObject({ code, status });
    expect((err as ImageError).message).toMatch(message);
  });
});

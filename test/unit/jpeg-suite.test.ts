import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repeatScans } from '../../scripts/lib/jpeg-bombs';
import { blockSide, decodeJpeg, decodeJpegReduced, readJpegInfo, reduction } from '../../shared/image/jpeg/jpeg';
import { ImageError } from '../../shared/image/decoded';

// the JPEG decoder against files this project did not make and pixels it did not compute: a corpus
// made with libjpeg-turbo's cjpeg, with what libjpeg-turbo's djpeg decodes from each
// (test/fixtures/jpegsuite/, README beside it). we read luminance only, so the oracle's colour
// pixels become luminance by the formula the PNG path uses (0.299 r + 0.587 g + 0.114 b).
// tolerance: within 1.5 levels (djpeg rounds each channel to an integer and uses an integer IDCT; we
// keep floats), except where djpeg clamped a colour channel to 0 or 255: there its RGB is no longer
// Y + chroma (the luminance of RGB is exactly Y only while no channel is clamped), which happens on
// the test card's saturated colour edges where subsampled chroma spills over (up to 35 levels). such
// pixels (and reduced boxes holding one) are left out, and the mean over all pixels stays within 2.5.

const DIR = join(import.meta.dirname, '../fixtures/jpegsuite');
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const GOOD = readdirSync(join(DIR, 'expected')).map((f) => f.replace(/\.pnm\.gz$/, '')).sort();

interface Gray {
  width: number;
  height: number;
  gray: Float64Array;
  /** 1 where djpeg clamped a channel, so its luminance is not the file's Y */
  clamped: Uint8Array;
}

/** djpeg's output as luminance */
export function expected(name: string): Gray {
  const b = gunzipSync(readFileSync(join(DIR, 'expected', `${name}.pnm.gz`)));
  const m = /^P([56])\s+(\d+)\s+(\d+)\s+255\s/.exec(b.subarray(0, 32).toString('latin1'))!;
  const at = m[0].length, colour = m[1] === '6', width = +m[2], height = +m[3];
  const gray = new Float64Array(width * height);
  const clamped = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    if (!colour) gray[i] = b[at + i];
    else {
      const [r, g, bl] = [b[at + 3 * i], b[at + 3 * i + 1], b[at + 3 * i + 2]];
      gray[i] = 0.299 * r + 0.587 * g + 0.114 * bl;
      clamped[i] = [r, g, bl].some((v) => v === 0 || v === 255) ? 1 : 0;
    }
  }
  return { width, height, gray, clamped };
}

/** f×f boxes averaged, the edge boxes smaller: the reduction rows.ts does, written out again */
function boxAverage(img: Gray, f: number): Gray {
  const W = Math.ceil(img.width / f), H = Math.ceil(img.height / f);
  const gray = new Float64Array(W * H);
  const clamped = new Uint8Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      let sum = 0, n = 0;
      for (let y = Y * f; y < Math.min(img.height, Y * f + f); y++) {
        for (let x = X * f; x < Math.min(img.width, X * f + f); x++) {
          sum += img.gray[y * img.width + x];
          clamped[Y * W + X] |= img.clamped[y * img.width + x];
          n++;
        }
      }
      gray[Y * W + X] = sum / n;
    }
  }
  return { width: W, height: H, gray, clamped };
}

function expectNear(actual: { width: number; height: number; gray: Float32Array }, want: Gray, what: string) {
  expect([actual.width, actual.height], what).toEqual([want.width, want.height]);
  const diffs = Array.from(want.gray, (v, i) => Math.abs(actual.gray[i] - v));
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const worst = diffs.reduce((a, d, i) => (!want.clamped[i] && (want.clamped[a] || d > diffs[a]) ? i : a), 0);
  const where = `${what}: worst unclamped at (${worst % want.width}, ${Math.floor(worst / want.width)}) ${actual.gray[worst]} vs ${want.gray[worst]}, mean ${mean.toFixed(2)}`;
  expect(diffs[worst], where).toBeLessThanOrEqual(1.5);
  expect(mean, where).toBeLessThanOrEqual(2.5);
}

describe('the JPEG decoder against libjpeg-turbo', () => {
  it('has every good file of the corpus to compare with', () => {
    expect(GOOD).toHaveLength(17);
  });

  for (const name of GOOD) {
    it(`decodes ${name} to djpeg's luminance`, () => {
      expectNear(decodeJpeg(read(`${name}.jpg`)), expected(name), name);
    });

    // 1/1 then halves (128), 1/2 (64), 1/4 (32), 1/8 (16) and 1/8 then thirds (8) for 240 px; the card (264×200) likewise
    for (const maxSide of [128, 64, 32, 16, 8]) {
      it(`decodes ${name} reduced to ≤ ${maxSide} px as djpeg's pixels box-averaged`, () => {
        const img = decodeJpegReduced(read(`${name}.jpg`), maxSide);
        const full = expected(name);
        const { S, factor } = reduction(Math.max(full.width, full.height), maxSide);
        const dct = 8 / S;
        const scaled = boxAverage(full, dct);
        // a block scaled down also averages the encoder's padding past the right and bottom edges (a
        // copy of the edge pixels, then quantized), which djpeg's pixels do not show: those edge pixels are left out
        for (let y = 0; y < scaled.height; y++) {
          for (let x = 0; x < scaled.width; x++) {
            if ((full.width % dct && x === scaled.width - 1) || (full.height % dct && y === scaled.height - 1)) scaled.clamped[y * scaled.width + x] = 1;
          }
        }
        const want = boxAverage(scaled, factor);
        expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(maxSide);
        // the size the smallest block scale keeping maxSide, then a whole factor, gives
        const bs = blockSide(Math.max(full.width, full.height), maxSide);
        const viaBlockSide = Math.ceil(Math.ceil((full.width * bs) / 8) / Math.ceil(Math.ceil((Math.max(full.width, full.height) * bs) / 8) / maxSide));
        expect(img.width).toBe(viaBlockSide);
        expectNear(img, want, `${name} at ${maxSide}`);
      });
    }
  }

  it('decodes a reduced picture at the smallest block scale that keeps it at least maxSide', () => {
    expect([blockSide(240, 128), blockSide(240, 64), blockSide(240, 32), blockSide(240, 16), blockSide(240, 8)]).toEqual([8, 4, 2, 1, 1]);
    expect([blockSide(640, 128), blockSide(1280, 128), blockSide(4000, 128), blockSide(100, 128)]).toEqual([2, 1, 1, 8]);
  });

  it('takes as much of the reduction as it can inside the blocks', () => {
    // 640 px: 1/4 then halves is 8× in all, so each block becomes its mean (a progressive file's AC scans are skipped)
    expect(reduction(640, 128)).toEqual({ S: 1, factor: 1 });
    expect(reduction(1280, 128)).toEqual({ S: 1, factor: 2 });
    expect(reduction(240, 128)).toEqual({ S: 4, factor: 1 });
    expect(reduction(3000, 128)).toEqual({ S: 1, factor: 3 });
    expect(reduction(100, 128)).toEqual({ S: 8, factor: 1 });
    expect(reduction(240, Infinity)).toEqual({ S: 8, factor: 1 });
  });
});

describe('EXIF orientation', () => {
  const stored = expected('digit-photo');

  /** the three moves every orientation is made of, written independently of the decoder's table */
  const mirrorX = (g: Gray): Gray => ({ ...g, gray: g.gray.map((_, i) => g.gray[Math.floor(i / g.width) * g.width + (g.width - 1 - (i % g.width))]) });
  const mirrorY = (g: Gray): Gray => ({ ...g, gray: g.gray.map((_, i) => g.gray[(g.height - 1 - Math.floor(i / g.width)) * g.width + (i % g.width)]) });
  const transpose = (g: Gray): Gray => ({ ...g, width: g.height, height: g.width, gray: g.gray.map((_, i) => g.gray[(i % g.height) * g.width + Math.floor(i / g.height)]) });
  // (the digit photo is gray paper: nothing is clamped, so `clamped` needs no turning)
  const UPRIGHT: Record<number, (g: Gray) => Gray> = {
    1: (g) => g,
    2: mirrorX,
    3: (g) => mirrorY(mirrorX(g)),
    4: mirrorY,
    5: transpose,
    6: (g) => mirrorX(transpose(g)), // turned a quarter clockwise
    7: (g) => mirrorY(mirrorX(transpose(g))),
    8: (g) => mirrorY(transpose(g)), // turned a quarter anticlockwise
  };

  for (let o = 1; o <= 8; o++) {
    it(`turns exif-orientation-${o} upright as orientation ${o} says`, () => {
      const bytes = read(`exif-orientation-${o}.jpg`);
      expect(readJpegInfo(bytes).orientation).toBe(o);
      expectNear(decodeJpeg(bytes), UPRIGHT[o](stored), `orientation ${o}`);
      expectNear(decodeJpegReduced(bytes, 64), UPRIGHT[o](boxAverage(boxAverage(stored, 2), 2)), `orientation ${o} at 64`);
    });
  }

  it('gives the same upright pixels for a photo stored turned or mirrored in each of the 8 ways', () => {
    const upright = decodeJpeg(read('digit-photo.jpg'));
    for (let o = 2; o <= 8; o++) {
      const img = decodeJpeg(new Uint8Array(readFileSync(join(DIR, `../jpeg/upright-${o}.jpg`))));
      expect(img.width).toBe(upright.width);
      const bad = img.gray.findIndex((v, i) => Math.abs(v - upright.gray[i]) > 1e-3);
      expect(bad, `upright-${o}.jpg first differs at ${bad}`).toBe(-1);
    }
  });
});

/** a progressive file whose scans repeat 500 times, built as the corpus's make.sh builds x-many-scans.jpg */
export const manyScans = (): Uint8Array => repeatScans(read('progressive-gray.jpg'));

describe('files broken on purpose', () => {
  const refusals: Record<string, [string, number, RegExp]> = {
    'x-bad-huffman.jpg': ['bad_jpeg', 400, /Huffman table/],
    'x-garbage-scan.jpg': ['bad_jpeg', 400, /corrupted/],
    'x-huge-dims.jpg': ['image_too_large', 413, /65535×65535.*limit is 4000000 pixels.*scale it down/],
    'x-no-sof.jpg': ['bad_jpeg', 400, /before the frame header/],
    'x-truncated.jpg': ['bad_jpeg', 400, /truncated/],
    'x-zero-width.jpg': ['bad_jpeg', 400, /0 pixels wide/],
    'arithmetic.jpg': ['unsupported_jpeg', 422, /arithmetic-coded/],
    'cmyk-adobe.jpg': ['unsupported_jpeg', 422, /CMYK/],
  };

  it('has a refusal for every broken file of the corpus (x-many-scans is built below)', () => {
    const broken = readdirSync(DIR).filter((f) => f.startsWith('x-') || f === 'arithmetic.jpg' || f === 'cmyk-adobe.jpg');
    expect(broken.sort()).toEqual(Object.keys(refusals).sort());
  });

  for (const [file, [code, status, message]] of Object.entries(refusals)) {
    it(`refuses ${file} with ${status} ${code}`, () => {
      for (const decode of [() => decodeJpeg(read(file)), () => decodeJpegReduced(read(file), 128)]) {
        let err: unknown;
        try {
          decode();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ImageError);
        expect(err).toMatchObject({ code, status });
        expect((err as Error).message).toMatch(message);
      }
    });
  }

  it('refuses x-many-scans (500 scans: a CPU bomb) before its 65th scan, and by its size under a byte limit', () => {
    const bomb = manyScans();
    // a repeated refinement scan reads past its data (the coefficients it refines have changed), or the count stops it
    expect(() => decodeJpegReduced(bomb, 128, { maxBytes: 2 * bomb.length })).toThrow(expect.objectContaining({ code: 'bad_jpeg', status: 400 }));
    const fewer = manyScans().subarray(0, 70 * 1024); // cut: the scans that fit, never reaching the end marker
    expect(() => decodeJpegReduced(fewer, 128)).toThrow(/more than 64 scans|truncated|interrupts/);
    expect(() => decodeJpegReduced(bomb, 128, { maxBytes: 256 * 1024 })).toThrow(expect.objectContaining({ code: 'file_too_large', status: 413 }));
  });
});

import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodePng, ImageError, isPng } from '../../shared/image/png';
import { createRng } from '../../shared/rng';
import {
  chunk,
  concat,
  encodePng,
  idatChunks,
  ihdr,
  PNG_SIGNATURE,
  pngFromScanlines,
  rowFilters,
  unfilteredRows,
  type PngSpec,
} from '../../scripts/lib/png';

// valid images are written by pngjs (scripts/lib/png.ts); palette images and 1, 2 and
// 4-bit samples, which pngjs cannot write, are checked on the PngSuite files in png-suite.test.ts.

/** runs the decoder and returns the ImageError it throws, failing if it does not throw one */
async function rejection(bytes: Uint8Array, limits?: Parameters<typeof decodePng>[1]): Promise<ImageError> {
  try {
    await decodePng(bytes, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    return err as ImageError;
  }
  throw new Error('expected decodePng to reject');
}

/** samples 0..max laid out so neighbouring pixels and rows differ, which exercises every filter */
function ramp(count: number, max: number, seed = 0): number[] {
  return Array.from({ length: count }, (_, i) => (i * 37 + seed * 11 + ((i * i) % 7)) % (max + 1));
}

const lum = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

function expectCloseArray(actual: Float32Array, expected: number[], digits = 3) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i], `index ${i}`).toBeCloseTo(v, digits));
}

const small = { width: 7, height: 6 };
const small8 = { ...small, colorType: 0, bitDepth: 8 };

describe('isPng', () => {
  it('recognises the png signature', () => {
    expect(isPng(encodePng({ ...small, colorType: 0, bitDepth: 8, samples: ramp(42, 255) }))).toBe(true);
  });

  it('rejects anything else, including a short buffer', () => {
    expect(isPng(new TextEncoder().encode('GIF89a......'))).toBe(false);
    expect(isPng(PNG_SIGNATURE.subarray(0, 7))).toBe(false);
  });
});

describe('decodePng pixel values', () => {
  it('decodes 8-bit grayscale exactly, with the filters pngjs picks row by row', async () => {
    const samples = ramp(42, 255);
    const img = await decodePng(encodePng({ ...small, colorType: 0, bitDepth: 8, samples }));
    expect(img.width).toBe(7);
    expect(img.height).toBe(6);
    expect(img.alpha).toBeNull();
    expect(Array.from(img.gray)).toEqual(samples);
  });

  it('decodes each filter type on its own to the same pixels', async () => {
    const samples = ramp(42, 255, 3);
    for (const filter of [0, 1, 2, 3, 4] as const) {
      const png = encodePng({ ...small, colorType: 0, bitDepth: 8, samples, filter });
      expect(rowFilters(png)).toEqual(new Array(6).fill(filter));
      expect(Array.from((await decodePng(png)).gray), `filter ${filter}`).toEqual(samples);
    }
  });

  it('decodes seeded random noise exactly through every filter, with one and several bytes per pixel', async () => {
    const rng = createRng(7);
    const gray = Array.from({ length: 40 * 40 }, () => rng.int(4) * 85); // few levels, many paeth ties
    const rgba = Array.from({ length: 40 * 40 * 4 }, () => rng.int(256));
    for (const filter of [1, 2, 3, 4] as const) {
      const img = await decodePng(encodePng({ width: 40, height: 40, colorType: 0, bitDepth: 8, samples: gray, filter }));
      expect(Array.from(img.gray), `gray, filter ${filter}`).toEqual(gray);
      // 16-bit rgba looks 8 bytes back: the filters' left and up-left neighbours are a whole pixel away
      const wide = await decodePng(encodePng({ width: 40, height: 40, colorType: 6, bitDepth: 16, samples: rgba.map((v) => v * 257), filter }));
      expectCloseArray(wide.alpha!, Array.from({ length: 1600 }, (_, i) => rgba[4 * i + 3] / 255), 6);
    }
  });

  it('decodes seeded random noise exactly through every filter in the 8-bit colour formats canvases and photos use', async () => {
    // RGBA (4 bytes a pixel: paeth's carried-neighbour loop), RGB (3) and gray+alpha (2), each unfiltered
    // and converted straight from the row's bytes; 16-bit gray+alpha is 4 bytes a pixel too
    const rng = createRng(11);
    const W = 37, H = 23, n = W * H;
    const bytes = (k: number) => Array.from({ length: n * k }, () => (rng.uniform() < 0.5 ? rng.int(3) * 127 : rng.int(256)));
    const rgba = bytes(4), rgb = bytes(3), ga = bytes(2);
    for (const filter of [0, 1, 2, 3, 4] as const) {
      const a = await decodePng(encodePng({ width: W, height: H, colorType: 6, bitDepth: 8, samples: rgba, filter }));
      expectCloseArray(a.gray, Array.from({ length: n }, (_, i) => lum(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2])));
      expectCloseArray(a.alpha!, Array.from({ length: n }, (_, i) => rgba[4 * i + 3] / 255), 6);
      const b = await decodePng(encodePng({ width: W, height: H, colorType: 2, bitDepth: 8, samples: rgb, filter }));
      expectCloseArray(b.gray, Array.from({ length: n }, (_, i) => lum(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])));
      const c = await decodePng(encodePng({ width: W, height: H, colorType: 4, bitDepth: 8, samples: ga, filter }));
      expect(Array.from(c.gray), `gray+alpha, filter ${filter}`).toEqual(Array.from({ length: n }, (_, i) => ga[2 * i]));
      expectCloseArray(c.alpha!, Array.from({ length: n }, (_, i) => ga[2 * i + 1] / 255), 6);
      const d = await decodePng(encodePng({ width: W, height: H, colorType: 4, bitDepth: 16, samples: ga.map((v) => v * 257), filter }));
      expectCloseArray(d.gray, Array.from({ length: n }, (_, i) => ga[2 * i]));
    }
  });

  it('decodes 16-bit grayscale scaled down to 0..255', async () => {
    const samples = ramp(42, 65535).map((v) => (v * 1543) % 65536);
    const img = await decodePng(encodePng({ ...small, colorType: 0, bitDepth: 16, samples }));
    expectCloseArray(img.gray, samples.map((v) => v / 257));
  });

  it('turns the grayscale tRNS colour into alpha 0 and leaves the rest opaque', async () => {
    const samples = [0, 50, 100, 50, 200, 255];
    const img = await decodePng(encodePng({ width: 3, height: 2, colorType: 0, bitDepth: 8, samples, trns: [0, 50] }));
    expect(Array.from(img.gray)).toEqual(samples);
    expect(Array.from(img.alpha!)).toEqual([1, 0, 1, 0, 1, 1]);
  });

  it('converts 8-bit RGB to luminance with the 0.299/0.587/0.114 weights', async () => {
    const samples = ramp(7 * 6 * 3, 255);
    const img = await decodePng(encodePng({ ...small, colorType: 2, bitDepth: 8, samples }));
    const expected = Array.from({ length: 42 }, (_, i) => lum(samples[3 * i], samples[3 * i + 1], samples[3 * i + 2]));
    expectCloseArray(img.gray, expected);
    expect(img.alpha).toBeNull();
  });

  it('converts 16-bit RGB to luminance on the 0..255 scale', async () => {
    const samples = ramp(7 * 6 * 3, 65535).map((v) => (v * 977) % 65536);
    const img = await decodePng(encodePng({ ...small, colorType: 2, bitDepth: 16, samples }));
    const expected = Array.from({ length: 42 }, (_, i) => lum(samples[3 * i], samples[3 * i + 1], samples[3 * i + 2]) / 257);
    expectCloseArray(img.gray, expected);
  });

  it('makes the RGB tRNS colour transparent', async () => {
    const samples = [10, 20, 30, 40, 50, 60, 10, 20, 30];
    const img = await decodePng(
      encodePng({ width: 3, height: 1, colorType: 2, bitDepth: 8, samples, trns: [0, 10, 0, 20, 0, 30] }),
    );
    expect(Array.from(img.alpha!)).toEqual([0, 1, 0]);
  });

  it('decodes an 8-bit palette image and takes alpha from a tRNS shorter than the palette', async () => {
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ];
    const indices = [0, 1, 2, 3, 3, 2, 1, 0];
    const header = { width: 4, height: 2, colorType: 3, bitDepth: 8 };
    const img = await decodePng(
      pngFromScanlines(header, unfilteredRows(header, indices), [chunk('PLTE', Uint8Array.from(palette.flat())), chunk('tRNS', Uint8Array.of(0, 128))]),
    );
    expectCloseArray(img.gray, indices.map((i) => lum(palette[i][0], palette[i][1], palette[i][2])));
    // entries past the end of tRNS are opaque
    expectCloseArray(img.alpha!, indices.map((i) => [0, 128 / 255, 1, 1][i]), 6);
  });

  it('decodes 8-bit and 16-bit gray+alpha', async () => {
    const px8 = [0, 255, 128, 0, 255, 51];
    const img8 = await decodePng(encodePng({ width: 3, height: 1, colorType: 4, bitDepth: 8, samples: px8 }));
    expect(Array.from(img8.gray)).toEqual([0, 128, 255]);
    expectCloseArray(img8.alpha!, [1, 0, 0.2], 6);

    const px16 = [0, 65535, 32896, 0, 65535, 13107];
    const img16 = await decodePng(encodePng({ width: 3, height: 1, colorType: 4, bitDepth: 16, samples: px16 }));
    expectCloseArray(img16.gray, [0, 128, 255]);
    expectCloseArray(img16.alpha!, [1, 0, 0.2], 6);
  });

  it('decodes 8-bit and 16-bit RGBA', async () => {
    const samples = ramp(7 * 6 * 4, 255);
    const img = await decodePng(encodePng({ ...small, colorType: 6, bitDepth: 8, samples }));
    const at = (i: number, c: number) => samples[4 * i + c];
    expectCloseArray(img.gray, Array.from({ length: 42 }, (_, i) => lum(at(i, 0), at(i, 1), at(i, 2))));
    expectCloseArray(img.alpha!, Array.from({ length: 42 }, (_, i) => at(i, 3) / 255), 6);

    const wide = samples.map((v) => v * 257);
    const img16 = await decodePng(encodePng({ ...small, colorType: 6, bitDepth: 16, samples: wide }));
    expectCloseArray(img16.gray, Array.from(img.gray));
    expectCloseArray(img16.alpha!, Array.from(img.alpha!), 6);
  });

  it('joins image data split across many IDAT chunks and skips ancillary chunks', async () => {
    const samples = ramp(42, 255, 5);
    const text = chunk('tEXt', new TextEncoder().encode('Comment\0hello'));
    const img = await decodePng(encodePng({ ...small, colorType: 0, bitDepth: 8, samples, idatSize: 5, extra: [text] }));
    expect(Array.from(img.gray)).toEqual(samples);
  });
});

describe('decodePng rejects broken files with errors a user can act on', () => {
  const valid: PngSpec = { ...small, colorType: 0, bitDepth: 8, samples: ramp(42, 255) };

  it('answers 415 not_png for something that is not a png', async () => {
    const err = await rejection(new TextEncoder().encode('\xff\xd8\xff\xe0 this is a jpeg, honest'));
    expect(err).toMatchObject({ code: 'not_png', status: 415 });
  });

  it('answers 400 bad_png naming the chunk whose CRC is wrong', async () => {
    const bytes = encodePng(valid);
    const idatAt = Buffer.from(bytes).indexOf('IDAT');
    bytes[idatAt + 6] ^= 0xff; // flip a data byte, leave the stored crc alone
    const err = await rejection(bytes);
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/chunk IDAT has a bad CRC/);
  });

  it('answers 400 bad_png for a file cut off in the middle of the image data', async () => {
    const bytes = encodePng(valid);
    const err = await rejection(bytes.subarray(0, bytes.length - 20));
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/truncated/);
  });

  it('answers 400 bad_png when the IEND chunk is missing', async () => {
    const bytes = encodePng(valid);
    const err = await rejection(bytes.subarray(0, bytes.length - 12));
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/without an IEND/);
  });

  it('answers 400 bad_png when a chunk claims more bytes than the file has', async () => {
    const bytes = concat(PNG_SIGNATURE, ihdr(valid), chunk('IDAT', new Uint8Array(8)), chunk('IEND'));
    new DataView(bytes.buffer).setUint32(8 + 25, 0x7fff0000); // the IDAT length field
    const err = await rejection(bytes);
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/chunk IDAT claims \d+ bytes/);
  });

  it('answers 400 bad_png when there is no IDAT chunk', async () => {
    const err = await rejection(concat(PNG_SIGNATURE, ihdr(valid), chunk('IEND')));
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/no IDAT/);
  });

  it('answers 400 bad_png when IHDR is not the first chunk', async () => {
    const err = await rejection(concat(PNG_SIGNATURE, chunk('tEXt', new Uint8Array(3)), ihdr(valid), chunk('IEND')));
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/first chunk must be IHDR/);
  });

  it('answers 400 bad_png for a bit depth the colour type does not allow', async () => {
    const err = await rejection(pngFromScanlines({ width: 2, height: 2, colorType: 2, bitDepth: 4 }, new Uint8Array(8)));
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/bit depth 4 is not allowed for RGB/);
  });

  it('answers 400 bad_png for a palette image without PLTE and for an index past the palette', async () => {
    const header = { width: 2, height: 1, colorType: 3, bitDepth: 8 };
    expect((await rejection(pngFromScanlines(header, Uint8Array.of(0, 0, 1)))).message).toMatch(/no PLTE/);
    const outOfRange = pngFromScanlines(header, unfilteredRows(header, [0, 5]), [chunk('PLTE', Uint8Array.of(0, 0, 0))]);
    const err = await rejection(outOfRange);
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/palette entry 5/);
  });

  it('answers 400 bad_png for an unknown row filter type', async () => {
    const err = await rejection(pngFromScanlines({ width: 2, height: 1, colorType: 0, bitDepth: 8 }, Uint8Array.of(5, 1, 2)));
    expect(err).toMatchObject({ code: 'bad_png' });
    expect(err.message).toMatch(/filter type 5/);
  });

  it('answers 422 unsupported_png for an interlaced png', async () => {
    const err = await rejection(pngFromScanlines({ ...small, colorType: 0, bitDepth: 8, interlace: 1 }, unfilteredRows(small8, valid.samples)));
    expect(err).toMatchObject({ code: 'unsupported_png', status: 422 });
    expect(err.message).toBe('interlaced PNGs are not supported; save it without interlacing');
  });

  it('answers 422 unsupported_png for a critical chunk it does not know', async () => {
    const bytes = concat(PNG_SIGNATURE, ihdr(valid), chunk('ZZZZ', new Uint8Array(1)), chunk('IEND'));
    expect(await rejection(bytes)).toMatchObject({ code: 'unsupported_png', status: 422 });
  });
});

describe('decodePng limits and decompression bombs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 413 image_too_large for a 2000-pixel-wide header without starting to decompress', async () => {
    const spy = vi.spyOn(globalThis, 'DecompressionStream');
    // the image data is not even valid zlib: reaching it would give bad_png instead
    const bytes = concat(
      PNG_SIGNATURE,
      ihdr({ width: 2000, height: 10, colorType: 0, bitDepth: 8 }),
      chunk('IDAT', new Uint8Array(16).fill(0xee)),
      chunk('IEND'),
    );
    const err = await rejection(bytes);
    expect(err).toMatchObject({ code: 'image_too_large', status: 413 });
    expect(err.message).toMatch(/2000x10/);
    expect(spy).not.toHaveBeenCalled();
  });

  it('honours custom width and height limits', async () => {
    const bytes = encodePng({ width: 9, height: 4, colorType: 0, bitDepth: 8, samples: ramp(36, 255) });
    expect(await rejection(bytes, { maxWidth: 8 })).toMatchObject({ code: 'image_too_large', status: 413 });
    expect(await rejection(bytes, { maxHeight: 3 })).toMatchObject({ code: 'image_too_large', status: 413 });
    await expect(decodePng(bytes, { maxWidth: 9, maxHeight: 4 })).resolves.toBeDefined();
  });

  it('answers 413 file_too_large for a file over maxBytes, before looking inside', async () => {
    const bytes = encodePng({ ...small, colorType: 0, bitDepth: 8, samples: ramp(42, 255) });
    expect(await rejection(bytes, { maxBytes: bytes.length - 1 })).toMatchObject({ code: 'file_too_large', status: 413 });
    expect(await rejection(new Uint8Array(1024 * 1024 + 1))).toMatchObject({ code: 'file_too_large', status: 413 });
  });

  it('rejects a decompression bomb: a 100x100 header whose data inflates to 50 MB of zeros', async () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(50_000_000)));
    expect(bomb.length).toBeLessThan(100_000); // small enough to pass the byte limit
    const bytes = concat(
      PNG_SIGNATURE,
      ihdr({ width: 100, height: 100, colorType: 0, bitDepth: 8 }),
      ...idatChunks(bomb, 8192),
      chunk('IEND'),
    );
    const err = await rejection(bytes);
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/decompressed image data is larger than its header says/);
  });

  it('rejects image data one byte longer than the header allows', async () => {
    const raw = concat(unfilteredRows(small8, ramp(42, 255)), Uint8Array.of(0));
    const err = await rejection(pngFromScanlines({ ...small, colorType: 0, bitDepth: 8 }, raw));
    expect(err.message).toMatch(/larger than its header says/);
  });

  it('answers 400 bad_png when the image data is too short for the header', async () => {
    const raw = unfilteredRows(small8, ramp(42, 255));
    const err = await rejection(pngFromScanlines({ ...small, colorType: 0, bitDepth: 8 }, raw.subarray(0, raw.length - 3)));
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/inflates to 45 bytes but the header needs 48/);
  });

  it('answers 400 bad_png when the image data is not zlib at all', async () => {
    const bytes = concat(PNG_SIGNATURE, ihdr({ ...small, colorType: 0, bitDepth: 8 }), chunk('IDAT', new Uint8Array(40).fill(0xee)), chunk('IEND'));
    const err = await rejection(bytes);
    expect(err).toMatchObject({ code: 'bad_png', status: 400 });
    expect(err.message).toMatch(/not valid zlib/);
  });

  it('answers 400 bad_png when the zlib stream stops half way', async () => {
    const compressed = new Uint8Array(deflateSync(unfilteredRows(small8, ramp(42, 255))));
    const bytes = concat(
      PNG_SIGNATURE,
      ihdr({ ...small, colorType: 0, bitDepth: 8 }),
      chunk('IDAT', compressed.subarray(0, compressed.length - 8)),
      chunk('IEND'),
    );
    expect(await rejection(bytes)).toMatchObject({ code: 'bad_png', status: 400 });
  });
});

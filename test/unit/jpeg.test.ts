import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../shared/image/decoded';
import { decodeImageReduced, readImageSize, sniffImage } from '../../shared/image/decode';
import { decodeJpegReduced, readJpegInfo } from '../../shared/image/jpeg/jpeg';
import { encodePng } from '../../scripts/lib/png';
import { refineBomb } from '../../scripts/bench/jpeg-cases';

// the JPEG decoder as the worker uses it: limits, format sniffing, and hostile bytes. whatever the
// bytes, the answer is a picture or an ImageError, never another exception and never a hang.

const FIXTURES = join(import.meta.dirname, '../fixtures');
const read = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)));

/** decodes, and returns the error (if any) for inspection */
function attempt(decode: () => unknown): unknown {
  try {
    decode();
    return null;
  } catch (e) {
    return e;
  }
}

describe('limits', () => {
  const photo = read('jpeg/photo-640x480.jpg');

  it('refuses a file over the byte limit before reading it, naming the limit', () => {
    expect(attempt(() => decodeJpegReduced(photo, 128, { maxBytes: 64 * 1024 }))).toMatchObject({ code: 'file_too_large', status: 413, message: expect.stringMatching(/limit for a JPEG is 65536 bytes/) });
  });

  it('refuses a frame that declares more pixels than allowed from its header, saying how to shrink it', () => {
    const err = attempt(() => decodeJpegReduced(photo, 128, { maxPixels: 640 * 480 - 1 }));
    expect(err).toMatchObject({ code: 'image_too_large', status: 413 });
    expect((err as Error).message).toMatch(/640×480 \(0\.3 megapixels\) but the limit is 307199 pixels.*scale it down/);
  });

  it('refuses a 12-megapixel photo from its header alone (4000×3000 declared, a few KiB sent)', () => {
    const twelve = read('jpegsuite/digit-photo.jpg').slice();
    const sof = twelve.findIndex((b, i) => b === 0xff && twelve[i + 1] === 0xc0);
    twelve.set([3000 >> 8, 3000 & 255, 4000 >> 8, 4000 & 255], sof + 5); // height, then width
    expect(readJpegInfo(twelve, { maxPixels: 12_000_000 })).toMatchObject({ width: 4000, height: 3000 });
    expect(attempt(() => decodeJpegReduced(twelve, 128, { maxPixels: 1_300_000 }))).toMatchObject({ code: 'image_too_large', status: 413, message: expect.stringMatching(/4000×3000 \(12\.0 megapixels\)/) });
  });

  it('reads the size of a photo turned by EXIF as it is shown', () => {
    expect(readJpegInfo(read('jpegsuite/exif-orientation-6.jpg'))).toMatchObject({ width: 240, height: 240, orientation: 6, progressive: false, components: 3 });
    expect(readJpegInfo(read('jpeg/photo-640x480-progressive.jpg'))).toMatchObject({ width: 640, height: 480, progressive: true });
  });
});

describe('decodeImageReduced', () => {
  const limits = { png: {}, jpeg: {} };

  it('decodes PNGs and JPEGs by their first bytes, whatever the upload claimed', async () => {
    const png = encodePng({ width: 3, height: 2, bitDepth: 8, colorType: 0, samples: [0, 50, 100, 150, 200, 250] });
    const jpeg = read('jpegsuite/gray-q90.jpg');
    expect(sniffImage(png)).toBe('png');
    expect(sniffImage(jpeg)).toBe('jpeg');
    expect(await decodeImageReduced(png, 128, limits, 'jpeg')).toMatchObject({ width: 3, height: 2 });
    expect(await decodeImageReduced(jpeg, 128, limits, 'png')).toMatchObject({ width: 120, height: 120, alpha: null });
    expect(readImageSize(jpeg, limits)).toEqual({ format: 'jpeg', width: 240, height: 240, dataBytes: 0 });
  });

  it('answers 415 naming what was claimed when the bytes are neither', async () => {
    const gif = new TextEncoder().encode('GIF89a not a picture we read');
    await expect(decodeImageReduced(gif, 128, limits, 'png')).rejects.toMatchObject({ code: 'not_png', status: 415 });
    await expect(decodeImageReduced(gif, 128, limits, 'jpeg')).rejects.toMatchObject({ code: 'not_jpeg', status: 415 });
    await expect(decodeImageReduced(gif, 128, limits)).rejects.toMatchObject({ code: 'not_an_image', status: 415 });
  });
});

describe('hostile bytes', () => {
  const seeds = ['jpegsuite/digit-photo.jpg', 'jpegsuite/progressive-rgb420.jpg', 'jpegsuite/restart-gray-rows.jpg', 'jpegsuite/progressive-gray.jpg'].map(read);

  /** only ImageErrors with a client status come out */
  function expectCleanRefusal(bytes: Uint8Array, context: string) {
    for (const maxSide of [128, 16]) {
      const err = attempt(() => decodeJpegReduced(bytes, maxSide, { maxBytes: 1 << 20, maxPixels: 4_000_000 }));
      if (err === null) continue;
      expect(err, `${context}: ${String(err)}`).toBeInstanceOf(ImageError);
      expect([400, 413, 415, 422], context).toContain((err as ImageError).status);
    }
  }

  it('random bytes behind a start-of-image marker are refused as ImageErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (tail) => {
        const bytes = new Uint8Array(tail.length + 3);
        bytes.set([0xff, 0xd8, 0xff]);
        bytes.set(tail, 3);
        expectCleanRefusal(bytes, `${tail.length} random bytes`);
      }),
      { numRuns: 300 },
    );
  });

  it('valid JPEGs with random bytes changed, cut or repeated are decoded or refused as ImageErrors', () => {
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const bytes = seeds[which].slice(0, cut === undefined ? undefined : cut % seeds[which].length);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          expectCleanRefusal(bytes, `seed ${which} cut ${cut} edits ${JSON.stringify(edits)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('segments that make up markers at random are refused as ImageErrors', () => {
    const marker = fc.tuple(fc.integer({ min: 0xc0, max: 0xfe }), fc.uint8Array({ maxLength: 80 })).map(([m, body]) => [0xff, m, (body.length + 2) >> 8, (body.length + 2) & 255, ...body]);
    fc.assert(
      fc.property(fc.array(marker, { maxLength: 12 }), (segments) => {
        const head = Array.from(seeds[0].subarray(0, 2));
        expectCleanRefusal(new Uint8Array([...head, ...segments.flat(), 0xff, 0xd9]), `${segments.length} segments`);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses progressive scans that would visit each block more often than an encoder does', () => {
    // 3 refining scans (191 visits a block, as libjpeg's own script) decode; 60 are refused at the 6th
    expect(decodeJpegReduced(refineBomb(512, 3), 128)).toMatchObject({ width: 128, height: 128 });
    expect(attempt(() => decodeJpegReduced(refineBomb(512, 60), 128))).toMatchObject({ code: 'bad_jpeg', message: expect.stringMatching(/refine the image more times than any encoder/) });
  });

  it('a file of thousands of empty segments is refused at the segment cap', () => {
    const photo = read('jpegsuite/digit-photo.jpg');
    const com = Array.from({ length: 5000 }, () => [0xff, 0xfe, 0, 2]).flat();
    const bytes = new Uint8Array([0xff, 0xd8, ...com, ...photo.subarray(2)]);
    expect(attempt(() => decodeJpegReduced(bytes, 128))).toMatchObject({ code: 'bad_jpeg', message: expect.stringMatching(/more than 256 segments/) });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropSpecks } from '../../shared/image/normalize';
import { labelMarks } from '../../shared/image/segment';
import { inkBounds } from '../../shared/image/preprocess';
import { crc32, decodePngReduced } from '../../shared/image/png';
import { encodeGrayPng } from '../../shared/image/png-encode';

// code made cheaper for POST /read's budget gives what the code it replaced gave: labelMarks with a
// speck fraction (one labelling) the same marks, labels and cleared ink as dropping specks first
// (normalize.ts dropSpecks) and labelling what is left; inkBounds (each row scanned from its ends)
// the box of every pixel that is not <= 0; crc32 (four bytes at a time) the byte-at-a-time crc;
// a PNG decoded into the inflate buffer the last one used the picture it decodes to alone.

describe('labelMarks with a speck fraction', () => {
  it('gives what dropSpecks then labelMarks give, on random ink of blobs and specks', () => {
    const picture = fc.integer({ min: 1, max: 24 }).chain((width) =>
      fc.integer({ min: 1, max: 24 }).chain((height) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          ink: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.double({ min: 0, max: 255, noNaN: true })), { minLength: width * height, maxLength: width * height }),
          fraction: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        }),
      ),
    );
    fc.assert(
      fc.property(picture, ({ width, height, ink, fraction }) => {
        const once = Float32Array.from(ink), twice = Float32Array.from(ink);
        const labels = labelMarks(once, width, height, fraction);
        dropSpecks(twice, width, height, fraction);
        const expected = labelMarks(twice, width, height);
        expect(labels.marks).toEqual(expected.marks);
        expect(labels.label).toEqual(expected.label);
        expect(once).toEqual(twice);
      }),
      { numRuns: 300 },
    );
  });

  it('drops the light marks: a speck beside a stroke goes, its ink zeroed, and the stroke is mark 1', () => {
    const width = 10, height = 5;
    const ink = new Float32Array(width * height);
    ink[0] = 10; // a faint speck, first in scan order
    for (let y = 0; y < height; y++) ink[y * width + 6] = 255; // a stroke
    const labels = labelMarks(ink, width, height, 0.04);
    expect(labels.marks).toEqual([{ id: 1, mass: 5 * 255, left: 6, right: 6, top: 0, bottom: 4 }]);
    expect(ink[0]).toBe(0);
    expect(labels.label[0]).toBe(0);
    expect(labels.label[6]).toBe(1);
  });
});

describe('inkBounds', () => {
  /** the box of every pixel that is not <= 0, pixel by pixel */
  function everyPixel(ink: Float32Array, width: number, height: number) {
    let left = width, right = -1, top = height, bottom = -1;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        if (ink[y * width + x] <= 0) continue;
        [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
      }
    return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
  }

  it('finds the box every pixel gives, NaN counting as ink, null for none', () => {
    const picture = fc.integer({ min: 0, max: 12 }).chain((width) =>
      fc.integer({ min: 0, max: 12 }).chain((height) =>
        fc.record({
          width: fc.constant(width),
          height: fc.constant(height),
          ink: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, fc.constant(-1), fc.constant(NaN), fc.double({ min: 0, max: 255 })), { minLength: width * height, maxLength: width * height }),
        }),
      ),
    );
    fc.assert(
      fc.property(picture, ({ width, height, ink }) => {
        const a = Float32Array.from(ink);
        expect(inkBounds(a, width, height)).toEqual(everyPixel(a, width, height));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the histogram bin of a luminance (preprocess.ts visibleLuminance, normalize.ts flattenLighting)', () => {
  /** as both now index their histograms */
  const bin = (g: number) => (g < 0 ? 0 : g > 255 ? 255 : (g + 0.5) | 0);

  it('is Math.round clamped to 0..255, as before, for every float32 luminance (a Float32Array holds them)', () => {
    const edges = [0, -0, 0.5, 1.5, 2.5, 254.5, 255, 255.5, -0.5, -0.49999997, 0.49999997, 254.49998, 1e-45, -1e30, 1e30];
    for (const g of edges.map(Math.fround)) expect(bin(g), String(g)).toBe(Math.min(255, Math.max(0, Math.round(g))));
    fc.assert(
      fc.property(fc.float({ min: -300, max: 300, noNaN: true }), (g) => {
        expect(bin(g)).toBe(Math.min(255, Math.max(0, Math.round(g))) || 0);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('crc32 (png.ts, sliced by four)', () => {
  /** the byte-at-a-time crc-32 it replaced */
  function bytewise(bytes: Uint8Array, start: number, end: number): number {
    let c = 0xffffffff;
    for (let i = start; i < end; i++) {
      c ^= bytes[i];
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  }

  it('is the byte-at-a-time crc of any stretch of any bytes, and the check value of "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(70), fc.nat(70), (bytes, a, b) => {
        const start = Math.min(a, b, bytes.length), end = Math.min(Math.max(a, b), bytes.length);
        expect(crc32(bytes, start, end)).toBe(bytewise(bytes, start, end));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('png.ts decoding into the inflate buffer of the picture before', () => {
  it('gives each picture its own pixels, after a larger one and a smaller one', async () => {
    const picture = (w: number, h: number, seed: number) => encodeGrayPng(w, h, Uint8Array.from({ length: w * h }, (_, i) => (i * seed) % 251));
    const [a, big, small] = [picture(40, 30, 7), picture(90, 80, 13), picture(5, 4, 3)];
    const alone = await decodePngReduced(a, 256);
    await decodePngReduced(big, 256);
    await decodePngReduced(small, 256);
    expect(await decodePngReduced(a, 256)).toEqual(alone);
    expect(Array.from((await decodePngReduced(small, 256)).gray)).toEqual(Array.from({ length: 20 }, (_, i) => (i * 3) % 251));
  });
});

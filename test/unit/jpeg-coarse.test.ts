import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJpegReduced } from '../../shared/image/jpeg/jpeg';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readInk, READ_SIDE } from '../../shared/model/read';
import { LIMITS } from '../../shared/limits';
import { inkFromImage, READ_JPEG } from '../../worker/read';

// POST /read decodes progressive JPEGs without their AC refinement scans (JpegDetail.coarseRefinement):
// those scans are skipped unread, the picture stays close to the exact decode, nothing else changes,
// and a photographed number still reads right.

const FIXTURES = join(import.meta.dirname, '../fixtures');
const read = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)));
const COARSE = { coarseRefinement: true };

interface Scan {
  ss: number;
  se: number;
  ah: number;
  al: number;
  /** the entropy-coded bytes: from after the scan header to the next marker */
  from: number;
  to: number;
}

/** the scans of a JPEG, with where their entropy-coded data lies */
function scansOf(bytes: Uint8Array): Scan[] {
  const scans: Scan[] = [];
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    const marker = bytes[pos + 1];
    if (marker === 0xd9) break;
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    const end = pos + 2 + length;
    if (marker !== 0xda) {
      pos = end;
      continue;
    }
    const n = bytes[pos + 4];
    const h = pos + 5 + 2 * n;
    let to = end;
    while (!(bytes[to] === 0xff && bytes[to + 1] !== 0 && (bytes[to + 1] < 0xd0 || bytes[to + 1] > 0xd7))) to++;
    scans.push({ ss: bytes[h], se: bytes[h + 1], ah: bytes[h + 2] >> 4, al: bytes[h + 2] & 15, from: end, to });
    pos = to;
  }
  return scans;
}

/** the largest difference between two decodes of one picture, and the mean one */
function difference(a: Float32Array, b: Float32Array): { worst: number; mean: number } {
  let worst = 0, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    worst = Math.max(worst, d);
    sum += d;
  }
  return { worst, mean: sum / a.length };
}

describe('a coarse decode of a progressive JPEG (POST /read)', () => {
  const photo = read('jpeg/number-640x480-progressive.jpg');

  it('is what /read asks for', () => {
    expect(READ_JPEG).toEqual(COARSE);
  });

  it('skips the refinement scans unread: with their bytes overwritten, the picture is the same, and the exact decode is not', () => {
    const refinements = scansOf(photo).filter((s) => s.ss > 0 && s.ah > 0);
    expect(refinements.length).toBeGreaterThan(0); // cjpeg's progressive script refines the AC twice
    const garbled = photo.slice();
    for (const s of refinements) for (let p = s.from; p < s.to; p++) garbled[p] = 0x5a;
    expect(decodeJpegReduced(garbled, READ_SIDE, {}, COARSE).gray).toEqual(decodeJpegReduced(photo, READ_SIDE, {}, COARSE).gray);
    const exact = (bytes: Uint8Array) => {
      try {
        return decodeJpegReduced(bytes, READ_SIDE).gray;
      } catch (e) {
        return e;
      }
    };
    expect(exact(garbled)).not.toEqual(exact(photo)); // (it is refused: the garbage reads as a truncated scan)
  });

  it('stays within a few levels of the exact decode: under 1 on average at 1/4 a side (a pixel is 4×4 averaged), under 3 at 1/2', () => {
    // [file, maxSide, the block scale that gives, the most mean and worst difference allowed]
    const cases: [string, number, string, number, number][] = [
      ['jpeg/number-640x480-progressive.jpg', 256, '1/4', 1, 6],
      ['jpeg/photo-640x480-progressive.jpg', 256, '1/4', 1, 6],
      ['jpeg/photo-1280x960-progressive.jpg', 320, '1/4', 1, 6],
      ['jpeg/photo-640x480-progressive.jpg', 320, '1/2', 3, 16],
      ['jpeg/photo-512x512-progressive.jpg', 256, '1/2', 3, 16],
    ];
    for (const [file, side, scale, most, worstAllowed] of cases) {
      const bytes = read(file);
      const exact = decodeJpegReduced(bytes, side), coarse = decodeJpegReduced(bytes, side, {}, COARSE);
      const what = `${file} at ${scale}`;
      expect([coarse.width, coarse.height], what).toEqual([exact.width, exact.height]);
      expect(coarse.gray, what).not.toEqual(exact.gray);
      const { worst, mean } = difference(coarse.gray, exact.gray);
      expect(mean, what).toBeLessThan(most);
      expect(worst, what).toBeLessThan(worstAllowed);
    }
  });

  it('changes nothing for a baseline file, at full size, or at 1/8 (the DC alone)', () => {
    const cases: [string, number][] = [['jpeg/number-640x480.jpg', 256], ['jpegsuite/progressive-gray.jpg', Infinity], ['jpeg/number-640x480-progressive.jpg', 80]];
    for (const [file, side] of cases) {
      const bytes = read(file);
      expect(decodeJpegReduced(bytes, side, {}, COARSE).gray, file).toEqual(decodeJpegReduced(bytes, side).gray);
    }
  });
});

describe('reading a photographed number as POST /read decodes it', () => {
  it('reads 305218 from the 640×480 photo, baseline and progressive, boxes in the photo\'s pixels', async () => {
    const predictor = predictorFor(await decodeModel(read('../../models/default.bin')));
    for (const file of ['jpeg/number-640x480.jpg', 'jpeg/number-640x480-progressive.jpg']) {
      const reading = readInk((await inkFromImage(read(file), LIMITS.free)).picture, predictor);
      expect(reading.text, file).toBe('305218');
      // drawn 80 px wide from x = 60 + 90k
      reading.digits.forEach((d, k) => {
        expect(d.box.x).toBeGreaterThanOrEqual(60 + 90 * k - 4);
        expect(d.box.x + d.box.width).toBeLessThanOrEqual(60 + 90 * k + 84);
      });
    }
  });
});

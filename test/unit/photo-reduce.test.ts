import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { decodePng, decodePngReduced } from '../../shared/image/png';
import { encodeGrayPng, grayPngBytes, grayPngDataBytes } from '../../shared/image/png-encode';
import { PREPROCESS_SIDE, preprocessImage, preprocessImageWithCrop } from '../../shared/image/preprocess';
import { LIMITS, type Limits } from '../../shared/limits';
import { createRng } from '../../shared/rng';
import { encodePng } from '../../scripts/lib/png';
import { LIMIT_SHARE, PHOTO_SIDE, photoSize, pngFitsAsIs } from '../../web/photo/fit';
import { decodedOf, grayFromRgba, grayPng, type GrayPhoto } from '../../web/photo/gray';
import { percent } from '../../web/widget/view';
import { firstTrainingDigits } from './mnist-digits';

// the browser's photo path without a browser: the size a picture is reduced to, the gray png it is
// sent as, and that the Worker decodes and preprocesses that png into exactly what the page
// computes for itself (so the crop the page outlines is the Worker's).

const FREE = LIMITS.free;

/** a width × height gray photo of paper (230) with an MNIST digit in dark ink, `side` px tall at (left, top) */
function digitPhoto(width: number, height: number, left: number, top: number, side: number, withAlpha = false): GrayPhoto {
  const [digit] = firstTrainingDigits(1); // a 5
  const gray = new Uint8Array(width * height).fill(230);
  const alpha = withAlpha ? new Uint8Array(width * height).fill(255) : null;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const ink = digit[Math.floor((y / side) * IMAGE_SIDE) * IMAGE_SIDE + Math.floor((x / side) * IMAGE_SIDE)];
      gray[(top + y) * width + left + x] = Math.round(230 - 200 * ink);
    }
  }
  if (alpha) for (let i = 0; i < width; i++) alpha[i] = 0; // a see-through top row
  return { width, height, gray, alpha };
}

describe('photoSize: what a picture is reduced to before it is sent', () => {
  it('brings a 12-megapixel phone photo down to 256 px on its longer side, keeping its shape', () => {
    expect(photoSize(4000, 3000, false)).toEqual({ width: PHOTO_SIDE, height: 192 });
    expect(photoSize(3000, 4000, false)).toEqual({ width: 192, height: PHOTO_SIDE });
    expect(photoSize(300, 4000, false)).toEqual({ width: 19, height: PHOTO_SIDE });
  });

  it('never enlarges a picture that is already small', () => {
    expect(photoSize(100, 50, false)).toEqual({ width: 100, height: 50 });
    expect(photoSize(1, 1, true)).toEqual({ width: 1, height: 1 });
  });

  it('keeps every size well inside the free plan: file and pixel data at most 75% of its limits, with or without alpha', () => {
    const rng = createRng(7).uniform;
    for (let t = 0; t < 2000; t++) {
      const width = 1 + Math.floor(rng() * 6000);
      const height = 1 + Math.floor(rng() * 6000);
      const hasAlpha = rng() < 0.5;
      const size = photoSize(width, height, hasAlpha);
      const at = `${width}×${height}${hasAlpha ? ' with alpha' : ''} → ${size.width}×${size.height}`;
      expect(Math.max(size.width, size.height), at).toBeLessThanOrEqual(Math.min(PHOTO_SIDE, FREE.imageSide));
      expect(grayPngBytes(size.width, size.height, hasAlpha), at).toBeLessThanOrEqual(LIMIT_SHARE * FREE.imageBytes);
      expect(grayPngDataBytes(size.width, size.height, hasAlpha), at).toBeLessThanOrEqual(LIMIT_SHARE * FREE.imageDataBytes);
      expect(size.width <= width && size.height <= height, at).toBe(true);
      // the shape is kept to within a pixel of rounding
      expect(Math.abs(size.width / size.height - width / height) * Math.min(size.width, size.height), at).toBeLessThanOrEqual(Math.max(width, height) / Math.min(width, height) + 1);
    }
  });

  it('shrinks further for a plan with smaller limits', () => {
    const tiny: Limits = { ...FREE, imageBytes: 8 * 1024, imageDataBytes: 8 * 1024 };
    const size = photoSize(4000, 3000, true, tiny);
    expect(grayPngBytes(size.width, size.height, true)).toBeLessThanOrEqual(LIMIT_SHARE * tiny.imageBytes);
    expect(size.width).toBeGreaterThan(40); // still a picture: about 71×53
  });
});

describe('the gray png a photo is sent as', () => {
  it('decodes, with the Worker’s decoder, to exactly the image the page preprocesses itself: gray, and gray with alpha', async () => {
    for (const photo of [digitPhoto(256, 192, 90, 40, 100), digitPhoto(221, 221, 30, 60, 120, true)]) {
      const png = grayPng(photo);
      expect(png.length).toBe(grayPngBytes(photo.width, photo.height, photo.alpha !== null));
      const decoded = await decodePng(png, { maxBytes: FREE.imageBytes, maxWidth: FREE.imageSide, maxHeight: FREE.imageSide, maxDataBytes: FREE.imageDataBytes });
      const mine = decodedOf(photo);
      expect(decoded.width).toBe(mine.width);
      expect(Array.from(decoded.gray)).toEqual(Array.from(mine.gray));
      expect(decoded.alpha && Array.from(decoded.alpha)).toEqual(mine.alpha && Array.from(mine.alpha));
    }
  });

  it('spans several stored deflate blocks when the pixel data passes 65,535 bytes', async () => {
    const rng = createRng(3).uniform;
    const width = 300;
    const height = 250; // 75,250 bytes of pixel data: two blocks
    const gray = Uint8Array.from({ length: width * height }, () => Math.floor(rng() * 256));
    const decoded = await decodePng(encodeGrayPng(width, height, gray));
    expect(Array.from(decoded.gray)).toEqual(Array.from(gray));
  });

  it('is preprocessed by the Worker (decoded reduced, as worker/images.ts does) into the same 784 pixels the page computes, crop and all', async () => {
    const photo = digitPhoto(256, 192, 90, 40, 100); // reduced by 2 on the way: the crop is scaled back
    const worker = preprocessImage(await decodePngReduced(grayPng(photo), PREPROCESS_SIDE));
    const { pixels, crop } = preprocessImageWithCrop(decodedOf(photo));
    expect(Array.from(pixels)).toEqual(Array.from(worker));
    expect(Array.from(preprocessImage(decodedOf(photo)))).toEqual(Array.from(pixels)); // one code path
    // the digit's ink lies inside the 100×100 square drawn at (90, 40), give or take the reduction's pixel
    expect(crop.left).toBeGreaterThanOrEqual(88);
    expect(crop.top).toBeGreaterThanOrEqual(38);
    expect(crop.left + crop.width).toBeLessThanOrEqual(192);
    expect(crop.top + crop.height).toBeLessThanOrEqual(142);
    expect(crop.width).toBeGreaterThan(40);
    expect(crop.height).toBeGreaterThan(60);
    expect(pixels.length).toBe(D);
  });

  it('refuses pixel arrays that do not make the stated image', () => {
    expect(() => encodeGrayPng(10, 10, new Uint8Array(99))).toThrow(RangeError);
    expect(() => encodeGrayPng(10, 10, new Uint8Array(100), new Uint8Array(10))).toThrow(RangeError);
  });
});

describe('grayFromRgba', () => {
  it('weighs red, green and blue as the preprocessing does, and drops alpha when every pixel is opaque', () => {
    const photo = grayFromRgba([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 200, 200, 200, 255], 2, 2);
    expect(Array.from(photo.gray)).toEqual([76, 150, 29, 200]);
    expect(photo.alpha).toBeNull();
    expect(Array.from(grayFromRgba([0, 0, 0, 128], 1, 1).alpha!)).toEqual([128]);
  });
});

describe('pngFitsAsIs: which PNG files client.js sends unchanged', () => {
  it('takes a PNG within the free plan, and not a larger one, an interlaced one, a JPEG or garbage', () => {
    expect(pngFitsAsIs(encodePng({ width: 200, height: 200, colorType: 6, bitDepth: 8, samples: new Uint8Array(200 * 200 * 4) }))).toBe(true); // 200² RGBA: 160,200 bytes of data
    expect(pngFitsAsIs(encodePng({ width: 280, height: 280, colorType: 6, bitDepth: 8, samples: new Uint8Array(280 * 280 * 4) }))).toBe(FREE.imageDataBytes >= 280 * (280 * 4 + 1));
    expect(pngFitsAsIs(encodePng({ width: FREE.imageSide + 1, height: 10, colorType: 0, bitDepth: 8, samples: new Uint8Array((FREE.imageSide + 1) * 10) }))).toBe(false);
    expect(pngFitsAsIs(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe(false);
    const interlaced = encodePng({ width: 20, height: 20, colorType: 0, bitDepth: 8, samples: new Uint8Array(400) });
    expect(pngFitsAsIs(interlaced)).toBe(true);
    interlaced[28] = 1; // Adam7, which the Worker refuses: the browser decodes it instead
    expect(pngFitsAsIs(interlaced)).toBe(false);
  });
});

describe('percent: how the widget says a probability', () => {
  it('never rounds a probability up to a certainty it does not have', () => {
    expect(percent(0.9997)).toBe('>99.9%');
    expect(percent(1)).toBe('>99.9%');
    expect(percent(0.999)).toBe('99.9%');
    expect(percent(0.5)).toBe('50.0%');
    expect(percent(0.0004)).toBe('<0.1%');
    expect(percent(0.001)).toBe('0.1%');
  });
});

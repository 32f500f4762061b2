// turns any picture of a digit into what the network was trained on: a 28x28 mnist-style image,
// ink bright on black, scaled to fit a 20x20 box and placed so its centre of mass is at (14, 14).
// shared by the worker and the browser so both feed the model exactly the same thing.
//
// "there is no digit" is reported as an ImageError with code 'no_digit' and status 422, the same
// error type the png decoder throws, so the worker turns every image problem into a response in
// one place. bad raw pixel input is an ImageError with code 'bad_pixels' and status 400.

import { removeRulings } from './rulings';
import { IMAGE_SIDE, PIXEL_MAX } from '../dims';
import { ImageError, type DecodedImage } from './decoded';
import { dropSpecks, flattenLighting } from './normalize';
import { centreOfMass } from './moments';
import { boxReduced } from './rows';

export interface InkOptions {
  /** ink weaker than this fraction of the strongest ink is treated as paper noise (default 0.15) */
  noiseFloor?: number;
  /** strongest ink, on the 0..255 scale, below which the image counts as blank (default 24) */
  minContrast?: number;
}

const DEFAULT_NOISE_FLOOR = 0.15;
const DEFAULT_MIN_CONTRAST = 24;
/** mnist digits are scaled to fit this box inside the 28x28 field */
const FIT_BOX = 20;

function noDigit(why: string): ImageError {
  return new ImageError('no_digit', `no digit found in the image: ${why}`, 422);
}

const BLANK = 'it looks blank (uniform colour or fully transparent)';

// ---------------------------------------------------------------- what is ink

interface InkMeasure {
  /** (height, width) ink 0..255 */
  ink: Float32Array;
  /** strongest ink before stretching, 0..255: how far the digit stands out from its background */
  contrast: number;
}

/**
 * decides what is ink: dark on light, light on dark, or strokes on a transparent background.
 * returns (height, width) ink intensity 0..255 with 255 the strongest ink; all zero when blank.
 */
export function inkMap(img: DecodedImage, options: InkOptions = {}): Float32Array {
  return measureInk(img, options).ink;
}

function measureInk(img: DecodedImage, options: InkOptions): InkMeasure {
  const { gray, alpha } = img;
  const n = img.width * img.height;
  const opacity = (i: number) => (alpha ? alpha[i] : 1);

  // mostly opaque: the picture is paper with a digit on it, and the paper is its most common colour.
  // mostly transparent: a drawing on a transparent canvas, where the opaque pixels are the strokes
  // whatever their colour, so the background is whichever of black or white contrasts with them.
  const visible = visibleLuminance(img);
  const background = visible.count * 2 >= n ? visible.median : strokeLuminance(img) < 128 ? PIXEL_MAX : 0;

  // ink lies on the side of the background where the strong deviations are; squaring makes a
  // few dark strokes outweigh lots of faint paper texture on the other side
  let darker = 0;
  let lighter = 0;
  for (let i = 0; i < n; i++) {
    const d = (gray[i] - background) * opacity(i);
    if (d < 0) darker += d * d;
    else lighter += d * d;
  }
  const sign = darker >= lighter ? -1 : 1;

  const ink = new Float32Array(n);
  let contrast = 0;
  for (let i = 0; i < n; i++) {
    ink[i] = Math.max(0, sign * (gray[i] - background)) * opacity(i);
    contrast = Math.max(contrast, ink[i]);
  }
  if (contrast < (options.minContrast ?? DEFAULT_MIN_CONTRAST)) return { ink: ink.fill(0), contrast };

  // stretch so the strongest ink is 255, and drop the faint rest (paper grain, shading, compression noise)
  const floor = (options.noiseFloor ?? DEFAULT_NOISE_FLOOR) * contrast;
  for (let i = 0; i < n; i++) ink[i] = ink[i] > floor ? ((ink[i] - floor) / (contrast - floor)) * PIXEL_MAX : 0;
  return { ink, contrast };
}

/** how many pixels are at least half opaque (the visible picture), and their median luminance */
function visibleLuminance({ gray, alpha }: DecodedImage): { count: number; median: number } {
  const histogram = new Uint32Array(PIXEL_MAX + 1);
  let count = 0;
  for (let i = 0; i < gray.length; i++) {
    if (alpha && alpha[i] < 0.5) continue;
    // Math.round, clamped, as an integer: a Math.round result as the index made this loop most of inkMap's time
    const g = gray[i];
    if (g === g) histogram[g < 0 ? 0 : g > PIXEL_MAX ? PIXEL_MAX : (g + 0.5) | 0]++;
    count++;
  }
  let seen = 0;
  for (let v = 0; v <= PIXEL_MAX; v++) {
    seen += histogram[v];
    if (seen * 2 >= count) return { count, median: v };
  }
  return { count, median: 0 };
}

/** the alpha-weighted mean luminance: what colour the strokes of a transparent drawing are */
function strokeLuminance({ gray, alpha }: DecodedImage): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < gray.length; i++) {
    const a = alpha ? alpha[i] : 1;
    sum += gray[i] * a;
    weight += a;
  }
  return weight > 0 ? sum / weight : 0;
}

// ---------------------------------------------------------------- mnist geometry

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** the box around the ink (> 0, or NaN): each row is scanned from both ends to its first ink only */
export function inkBounds(ink: Float32Array, width: number, height: number): Box | null {
  let left = width;
  let right = -1;
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x0 = 0;
    while (x0 < width && ink[row + x0] <= 0) x0++;
    if (x0 === width) continue;
    let x1 = width - 1;
    while (ink[row + x1] <= 0) x1--;
    if (top < 0) top = y;
    bottom = y;
    if (x0 < left) left = x0;
    if (x1 > right) right = x1;
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** for each output index along one axis, which source pixels it reads and with what weights */
function axisTaps(srcLen: number, dstLen: number): { index: number[]; weight: number[] }[] {
  const scale = dstLen / srcLen;
  return Array.from({ length: dstLen }, (_, d) => {
    const index: number[] = [];
    const weight: number[] = [];
    if (scale < 1) {
      // shrinking: average the source span the output pixel covers, so thin strokes fade
      // instead of vanishing (the anti-aliasing mnist itself used)
      const from = d / scale;
      const to = (d + 1) / scale;
      for (let s = Math.floor(from); s < Math.min(srcLen, Math.ceil(to)); s++) {
        const overlap = Math.min(to, s + 1) - Math.max(from, s);
        if (overlap > 0) {
          index.push(s);
          weight.push(overlap * scale);
        }
      }
    } else {
      // growing: interpolate between the two nearest source pixel centres
      const at = Math.min(srcLen - 1, Math.max(0, (d + 0.5) / scale - 0.5));
      const s = Math.floor(at);
      index.push(s, Math.min(srcLen - 1, s + 1));
      weight.push(1 - (at - s), at - s);
    }
    return { index, weight };
  });
}

/** resizes a crop of `src`, rows first then columns */
function resizeCrop(src: Float32Array, srcWidth: number, box: Box, width: number, height: number): Float32Array {
  const across = axisTaps(box.width, width);
  const down = axisTaps(box.height, height);
  const rows = new Float32Array(width * box.height);
  for (let y = 0; y < box.height; y++) {
    const srcRow = (box.top + y) * srcWidth + box.left;
    for (let x = 0; x < width; x++) {
      const { index, weight } = across[x];
      let v = 0;
      for (let k = 0; k < index.length; k++) v += src[srcRow + index[k]] * weight[k];
      rows[y * width + x] = v;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const { index, weight } = down[y];
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = 0; k < index.length; k++) v += rows[index[k] * width + x] * weight[k];
      out[y * width + x] = v;
    }
  }
  return out;
}

/**
 * the mnist recipe: crop to the ink, scale to fit 20x20 keeping the aspect ratio, and paste into
 * 28x28 with the centre of mass at (14, 14). the shift is whole pixels and never pushes ink off
 * the edge, so a very lopsided digit may sit up to a few pixels off centre rather than be cut.
 * returns 784 values 0..255, ink bright on dark. throws no_digit (422) when there is no ink.
 */
export function toMnist(ink: Float32Array, width: number, height: number): Float32Array {
  if (ink.length !== width * height) {
    throw new RangeError(`toMnist: ${ink.length} values do not make a ${width}x${height} image`);
  }
  const box = inkBounds(ink, width, height);
  if (!box) throw noDigit(BLANK);

  const fit = FIT_BOX / Math.max(box.width, box.height);
  const w = Math.max(1, Math.round(box.width * fit));
  const h = Math.max(1, Math.round(box.height * fit));
  const digit = resizeCrop(ink, width, box, w, h);

  const centre = centreOfMass(digit, w, h);
  const mid = IMAGE_SIDE / 2;
  const dx = Math.min(IMAGE_SIDE - w, Math.max(0, Math.round(mid - centre.x)));
  const dy = Math.min(IMAGE_SIDE - h, Math.max(0, Math.round(mid - centre.y)));

  const out = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out[(y + dy) * IMAGE_SIDE + x + dx] = Math.min(PIXEL_MAX, Math.max(0, digit[y * w + x]));
    }
  }
  return out;
}

// ---------------------------------------------------------------- entry points

/**
 * pictures are box-averaged to at most this many pixels a side before anything else: the digit ends
 * up in a 20×20 box, so a digit that fills a fifth of the picture still has more pixels than it
 * needs, and preprocessing costs the same for every size. the worker reduces a PNG while decoding
 * it (png.ts decodePngReduced, so a large upload never exists at full size); the same sums in the
 * same order, so the browser's ImageData and the worker's PNG of one canvas give the same digit.
 */
export const PREPROCESS_SIDE = 128;

/** the whole factor reduceImage averages by: each factor×factor box becomes one pixel */
const reductionFactor = (width: number, height: number, maxSide: number) => Math.max(1, Math.ceil(Math.max(width, height) / maxSide));

/** the picture box-averaged by the whole factor that brings its longer side to at most maxSide */
export function reduceImage(img: DecodedImage, maxSide = PREPROCESS_SIDE): DecodedImage {
  const { width, height, gray, alpha } = img;
  const factor = reductionFactor(width, height, maxSide);
  if (factor <= 1) return img;
  const sink = boxReduced(width, height, factor, alpha !== null);
  for (let y = 0; y < height; y++) sink.row(y, gray.subarray(y * width, (y + 1) * width), alpha ? alpha.subarray(y * width, (y + 1) * width) : null);
  return sink.image();
}

/** an uploaded picture to the 784 mnist values; throws no_digit (422) when nothing looks like ink */
export function preprocessImage(picture: DecodedImage, options: InkOptions = {}): Float32Array {
  return preprocessImageWithCrop(picture, options).pixels;
}

/** where the ink was found, in the picture's own pixels: the part preprocessing scaled into 20×20 */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * preprocessImage, also telling which part of the picture it cropped (the page draws it over a
 * photo). the box is found on the reduced picture, so it is scaled back up by the reduction factor
 * and clipped to the picture
 */
export function preprocessImageWithCrop(picture: DecodedImage, options: InkOptions = {}): { pixels: Float32Array; crop: CropBox } {
  const img = reduceImage(picture);
  const { ink, contrast } = measureInk(flattenLighting(img), options);
  removeRulings(ink, img.width, img.height); // a digit on lined or squared paper
  dropSpecks(ink, img.width, img.height);
  if (contrast < (options.minContrast ?? DEFAULT_MIN_CONTRAST)) throw noDigit(BLANK);
  const box = inkBounds(ink, img.width, img.height);
  if (!box) throw noDigit(BLANK);
  // a speck of dust or a stray dot is not a digit, however dark it is
  const minExtent = Math.max(3, 0.02 * Math.max(img.width, img.height));
  if (Math.max(box.width, box.height) < minExtent) {
    throw noDigit(`the only marks are ${box.width}x${box.height} pixels; draw or crop the digit larger`);
  }
  const pixels = toMnist(ink, img.width, img.height);
  const factor = reductionFactor(picture.width, picture.height, PREPROCESS_SIDE);
  const left = box.left * factor;
  const top = box.top * factor;
  const crop = {
    left,
    top,
    width: Math.min(picture.width - left, box.width * factor),
    height: Math.min(picture.height - top, box.height * factor),
  };
  return { pixels, crop };
}

/**
 * raw pixels that are already ink-bright on dark (a canvas drawing sent as side*side values,
 * 0..255) to the 784 mnist values: re-cropped, re-scaled and re-centred the mnist way.
 * throws bad_pixels (400) for the wrong count or values outside 0..255, no_digit (422) when empty.
 */
export function preprocessPixels(pixels: ArrayLike<number>, side = IMAGE_SIDE): Float32Array {
  if (pixels.length !== side * side) {
    throw new ImageError('bad_pixels', `expected ${side * side} pixel values (a ${side}x${side} image) but got ${pixels.length}`, 400);
  }
  const ink = new Float32Array(pixels.length);
  let total = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (!(v >= 0 && v <= PIXEL_MAX)) {
      throw new ImageError('bad_pixels', `pixel ${i} is ${v}; pixel values must be numbers from 0 to ${PIXEL_MAX}`, 400);
    }
    ink[i] = v;
    total += v;
  }
  if (total === 0) throw noDigit('the drawing is empty (every pixel is 0)');
  return toMnist(ink, side, side);
}

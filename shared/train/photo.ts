// a training digit photographed on paper, then read back by the Worker's own preprocessing: the
// 28x28 digit is enlarged, printed as dark ink on a sheet of some shade, lit unevenly, given
// paper grain, sensor noise and blocky compression, quantised to 8 bits, and handed to
// preprocessImage. what comes out is what the network would see for such a photo, failures of
// the preprocessing included, so the network learns them too.
//
// digits are 784 values in [0, 1], ink bright on black.

import { D, IMAGE_SIDE, PIXEL_MAX } from '../dims';
import type { DecodedImage } from '../image/decoded';
import { preprocessImage } from '../image/preprocess';
import type { Rng } from '../rng';

const S = IMAGE_SIDE;

export interface PhotoOptions {
  /** enlargement of the 28x28 digit, uniform in [minZoom, maxZoom] */
  minZoom: number;
  maxZoom: number;
  /** paper luminance, uniform in [minPaper, 250]; ink is darker by at least minContrast */
  minPaper: number;
  minContrast: number;
  /** max fraction by which light falls off across the sheet (a linear gradient at a random angle) */
  maxShade: number;
  /** max sd of per-pixel sensor noise and of the 8x8 block offsets, in luminance levels */
  maxNoise: number;
  maxBlock: number;
  /** probability of light ink on a dark surface (chalk, a screen) instead */
  inverted: number;
}

export const DEFAULT_PHOTO: PhotoOptions = {
  minZoom: 1.5,
  maxZoom: 4,
  minPaper: 140,
  minContrast: 50,
  maxShade: 0.3,
  maxNoise: 10,
  maxBlock: 6,
  inverted: 0.1,
};

/** the photo as a decoded image; draws 12 uniforms, then one uint32 per pixel and one uniform per 8x8 block */
export function photograph(digit: Float32Array, rng: Rng, o: PhotoOptions = DEFAULT_PHOTO): DecodedImage {
  const zoom = o.minZoom + rng.uniform() * (o.maxZoom - o.minZoom);
  const side = Math.round(S * zoom);
  // the sheet around the enlarged 28x28 field: a random margin each side, sometimes none
  const left = Math.floor(rng.uniform() * 0.4 * side);
  const right = Math.floor(rng.uniform() * 0.4 * side);
  const top = Math.floor(rng.uniform() * 0.4 * side);
  const bottom = Math.floor(rng.uniform() * 0.4 * side);
  const width = side + left + right, height = side + top + bottom;
  const paper = o.minPaper + rng.uniform() * (250 - o.minPaper);
  const ink = rng.uniform() * (paper - o.minContrast);
  const angle = rng.uniform() * 2 * Math.PI;
  const shade = rng.uniform() * o.maxShade;
  const noise = rng.uniform() * o.maxNoise;
  const block = rng.uniform() * o.maxBlock;
  const inverted = rng.uniform() < o.inverted;

  const gray = new Float32Array(width * height);
  const cx = Math.cos(angle) / Math.max(width, height), cy = Math.sin(angle) / Math.max(width, height);
  const blocksX = Math.ceil(width / 8);
  const offsets = new Float32Array(blocksX * Math.ceil(height / 8));
  for (let b = 0; b < offsets.length; b++) offsets[b] = (2 * rng.uniform() - 1) * block;
  for (let y = 0; y < height; y++) {
    // bilinear read of the digit at this row, pixel centres aligned
    const v = Math.min(S - 1, Math.max(0, (y - top + 0.5) / zoom - 0.5));
    const y0 = Math.min(S - 2, Math.floor(v)), fy = v - y0;
    const inRows = y >= top && y < top + side;
    for (let x = 0; x < width; x++) {
      let a = 0;
      if (inRows && x >= left && x < left + side) {
        const u = Math.min(S - 1, Math.max(0, (x - left + 0.5) / zoom - 0.5));
        const x0 = Math.min(S - 2, Math.floor(u)), fx = u - x0;
        const i = y0 * S + x0;
        const t = digit[i] + fx * (digit[i + 1] - digit[i]);
        const b = digit[i + S] + fx * (digit[i + S + 1] - digit[i + S]);
        a = t + fy * (b - t);
      }
      // light falls off linearly across the sheet, from 1 to 1 - shade
      const light = 1 - shade * (0.5 + 0.5 * (x * cx + y * cy) * Math.SQRT1_2);
      const r = rng.nextUint32();
      const grain = noise * (((r >>> 16) + (r & 0xffff) + 1) / 65536 - 1) * Math.sqrt(6);
      let lum = (paper + (ink - paper) * a) * light + grain + offsets[(y >> 3) * blocksX + (x >> 3)];
      if (inverted) lum = PIXEL_MAX - lum;
      gray[y * width + x] = Math.round(Math.min(PIXEL_MAX, Math.max(0, lum)));
    }
  }
  return { width, height, gray, alpha: null };
}

/**
 * out = the digit photographed and read back through preprocessImage, values in [0, 1].
 * returns false (out untouched) when preprocessing finds no digit in the photo.
 */
export function photoRoundTrip(out: Float32Array, digit: Float32Array, rng: Rng, o: PhotoOptions = DEFAULT_PHOTO): boolean {
  if (out.length !== D || digit.length !== D) throw new RangeError(`photo: images must have ${D} values`);
  let seen: Float32Array;
  try {
    seen = preprocessImage(photograph(digit, rng, o));
  } catch {
    return false;
  }
  for (let i = 0; i < D; i++) out[i] = seen[i] / PIXEL_MAX;
  return true;
}

// "photographs" an ink shape on paper: the picture a person sends after snapping a digit with a
// phone or a scanner. placement and size, slight tilt and perspective, paper colour and texture,
// ink colour, defocus blur, uneven light and shadow, sensor noise and jpeg compression, all drawn
// from the rng so a seed gives the same picture byte for byte.
import type { DecodedImage } from '../../shared/image/decoded';
import type { Rng } from '../../shared/rng';
import { applyHomography, homographyFromPoints } from './homography';
import { jpegRoundTrip } from './jpeg';
import { between, chance, valueNoise } from './noise';
import { gaussianBlur, sampleBilinear, type Raster } from './raster';

export interface PhotoStyle {
  /** picture side in pixels, drawn log-uniformly */
  side: [number, number];
  /** the ink's height as a share of the picture's shorter side */
  fill: [number, number];
  /** tilt in degrees, either way */
  tiltDeg: number;
  /** each corner of the ink moves up to this share of the ink height: perspective */
  perspective: number;
  /** paper luminance 0..255 */
  paper: [number, number];
  /** paper texture strength (share of the paper luminance) */
  texture: [number, number];
  /** ink luminance 0..255 (blue or black pen, pencil is lighter) */
  ink: [number, number];
  /** defocus blur sigma in pixels */
  blur: [number, number];
  /** how much darker one side of the picture is than the other (share) */
  gradient: [number, number];
  /** probability of a soft shadow across the picture, and its depth (share) */
  shadow: { p: number; depth: [number, number] };
  /** sensor noise sigma on the 0..255 scale */
  noise: [number, number];
  /** probability of jpeg compression, and its quality range */
  jpeg: { p: number; quality: [number, number] };
  /** width as a multiple of the height, for a wide picture (a number); default: near square within `side` */
  aspect?: [number, number];
}

/**
 * a phone photo of a sheet of paper, indoors. the ranges are what a usable photo of a digit looks
 * like (the person could read it on their screen), not the worst a camera can do
 */
export const PHONE_PHOTO: PhotoStyle = {
  side: [40, 200],
  fill: [0.45, 0.85],
  tiltDeg: 8,
  perspective: 0.06,
  paper: [180, 250],
  texture: [0.005, 0.04],
  ink: [10, 90],
  blur: [0.2, 1.2],
  gradient: [0, 0.15],
  shadow: { p: 0.2, depth: [0.05, 0.15] },
  noise: [0.5, 4],
  jpeg: { p: 0.7, quality: [40, 90] },
};

/** a phone photo in poorer light: a stronger gradient, more shadow, noise and blur, fainter ink */
export const DIM_PHOTO: PhotoStyle = {
  ...PHONE_PHOTO,
  paper: [175, 250],
  ink: [10, 100],
  blur: [0.3, 1.5],
  gradient: [0, 0.2],
  shadow: { p: 0.3, depth: [0.05, 0.2] },
  noise: [0.5, 5],
};

/** a flatbed scan or a screenshot: even light, little noise */
export const CLEAN_SCAN: PhotoStyle = {
  side: [28, 160],
  fill: [0.5, 0.9],
  tiltDeg: 2,
  perspective: 0,
  paper: [225, 255],
  texture: [0, 0.02],
  ink: [0, 60],
  blur: [0, 0.6],
  gradient: [0, 0.05],
  shadow: { p: 0, depth: [0, 0] },
  noise: [0, 2],
  jpeg: { p: 0.4, quality: [50, 95] },
};

/** sub-samples per pixel side when sampling the ink through the perspective map */
const SUPERSAMPLE = 2;

/** renders `ink` (coverage 0..1, cropped close to the shape) as a photograph in the given style */
export function photograph(ink: Raster, rng: Rng, style: PhotoStyle): DecodedImage {
  const logSide = between(rng, Math.log(style.side[0]), Math.log(style.side[1]));
  const height = Math.round(Math.exp(logSide));
  const width = style.aspect
    ? Math.round(height * between(rng, style.aspect[0], style.aspect[1]))
    : Math.round(Math.min(style.side[1], Math.max(style.side[0], height * between(rng, 0.8, 1.25))));

  // where the ink lands: a tilted box of the ink's aspect ratio, each corner nudged for perspective
  let inkH = between(rng, style.fill[0], style.fill[1]) * Math.min(width, height);
  let inkW = (inkH * ink.width) / ink.height;
  const maxW = 0.92 * width;
  if (inkW > maxW) {
    inkH *= maxW / inkW;
    inkW = maxW;
  }
  const cx = width / 2 + between(rng, -0.5, 0.5) * (width - inkW) * 0.8;
  const cy = height / 2 + between(rng, -0.5, 0.5) * (height - inkH) * 0.8;
  const tilt = (between(rng, -1, 1) * style.tiltDeg * Math.PI) / 180;
  const cos = Math.cos(tilt), sin = Math.sin(tilt);
  const to: number[] = [];
  for (const [u, v] of [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]) {
    const x = u * inkW + between(rng, -1, 1) * style.perspective * inkH;
    const y = v * inkH + between(rng, -1, 1) * style.perspective * inkH;
    to.push(cx + x * cos - y * sin, cy + x * sin + y * cos);
  }
  // a tilted wide shape can reach past the edge: shrink it about its centre and move it back inside
  fitInside(to, width, height, 0.03);
  const from = [-0.5, -0.5, ink.width - 0.5, -0.5, ink.width - 0.5, ink.height - 0.5, -0.5, ink.height - 0.5];
  const toInk = homographyFromPoints(to, from);

  // reflectance of paper and ink
  const paper = between(rng, style.paper[0], style.paper[1]);
  const inkLum = Math.min(paper - 60, between(rng, style.ink[0], style.ink[1]));
  const texture = between(rng, style.texture[0], style.texture[1]);
  const coarse = valueNoise(width, height, between(rng, 3, 14), rng);
  const picture: Raster = { width, height, data: new Float32Array(width * height) };
  const p = new Float64Array(2);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let cover = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++)
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          applyHomography(toInk, x - 0.5 + (sx + 0.5) / SUPERSAMPLE, y - 0.5 + (sy + 0.5) / SUPERSAMPLE, p);
          cover += sampleBilinear(ink, p[0], p[1]);
        }
      cover = Math.min(1, cover / (SUPERSAMPLE * SUPERSAMPLE));
      const i = y * width + x;
      const sheet = paper * (1 + texture * (0.7 * coarse[i] + 0.3 * (rng.uniform() * 2 - 1)));
      picture.data[i] = sheet + (inkLum - sheet) * cover;
    }
  const seen = gaussianBlur(picture, between(rng, style.blur[0], style.blur[1]));

  // light: a gradient one way, maybe a soft shadow edge another way, then sensor noise
  const gradient = between(rng, style.gradient[0], style.gradient[1]);
  const gAngle = rng.uniform() * 2 * Math.PI;
  const shadow = chance(rng, style.shadow.p) ? between(rng, style.shadow.depth[0], style.shadow.depth[1]) : 0;
  const sAngle = rng.uniform() * 2 * Math.PI;
  const sOffset = between(rng, -0.3, 0.3);
  const sSoft = between(rng, 0.05, 0.3);
  const noise = between(rng, style.noise[0], style.noise[1]);
  const diag = Math.hypot(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const nx = (x - width / 2) / diag, ny = (y - height / 2) / diag;
      const along = nx * Math.cos(gAngle) + ny * Math.sin(gAngle); // -0.5..0.5
      const across = nx * Math.cos(sAngle) + ny * Math.sin(sAngle) - sOffset;
      const inShadow = 1 / (1 + Math.exp(-across / (sSoft * 0.25)));
      const light = (1 - gradient * (along + 0.5)) * (1 - shadow * inShadow);
      const i = y * width + x;
      seen.data[i] = Math.min(255, Math.max(0, seen.data[i] * light + noise * rng.normal()));
    }
  if (chance(rng, style.jpeg.p)) jpegRoundTrip(seen.data, width, height, between(rng, style.jpeg.quality[0], style.jpeg.quality[1]));
  for (let i = 0; i < seen.data.length; i++) seen.data[i] = Math.round(seen.data[i]);
  return { width, height, gray: seen.data, alpha: null };
}

/** scales the quad [x0, y0, …, x3, y3] about its centre and shifts it so it keeps `margin` (share of each side) from the edges */
function fitInside(quad: number[], width: number, height: number, margin: number): void {
  const xs = [quad[0], quad[2], quad[4], quad[6]], ys = [quad[1], quad[3], quad[5], quad[7]];
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const f = Math.min(1, ((1 - 2 * margin) * width) / (x1 - x0), ((1 - 2 * margin) * height) / (y1 - y0));
  const mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
  const left = mx - (f * (x1 - x0)) / 2, top = my - (f * (y1 - y0)) / 2;
  const dx = Math.max(0, margin * width - left) - Math.max(0, left + f * (x1 - x0) - (1 - margin) * width);
  const dy = Math.max(0, margin * height - top) - Math.max(0, top + f * (y1 - y0) - (1 - margin) * height);
  for (let k = 0; k < 8; k += 2) {
    quad[k] = mx + (quad[k] - mx) * f + dx;
    quad[k + 1] = my + (quad[k + 1] - my) * f + dy;
  }
}

// a drawing made on a phone: strokes of a round pen on a canvas, exported as a png with a
// transparent background (most drawing apps and <canvas>), or flattened on white or on black.
import type { DecodedImage } from '../../shared/image/decoded';
import type { Rng } from '../../shared/rng';
import { between, valueNoise } from './noise';
import { createRaster, drawPolyline, type Raster } from './raster';

/** the canvas's look, drawn with these odds */
const LOOKS = [
  { p: 0.45, look: 'transparent, dark strokes' },
  { p: 0.15, look: 'transparent, white strokes' },
  { p: 0.1, look: 'transparent, coloured strokes' },
  { p: 0.2, look: 'white canvas' },
  { p: 0.1, look: 'black canvas' },
] as const;

/** picture side range of a phone canvas, in pixels */
const PHONE_SIDE: [number, number] = [160, 400];

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** the bounding box of polylines [x0, y0, x1, y1, …] */
export function boundsOf(polylines: readonly number[][]): Bounds {
  const b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const p of polylines)
    for (let j = 0; j < p.length; j += 2) {
      b.x0 = Math.min(b.x0, p[j]);
      b.x1 = Math.max(b.x1, p[j]);
      b.y0 = Math.min(b.y0, p[j + 1]);
      b.y1 = Math.max(b.y1, p[j + 1]);
    }
  return b;
}

/** a random canvas size, and the box (centre, height) a drawing of this aspect ratio fills on it */
function phoneCanvas(rng: Rng, inkAspect: number, wide: boolean) {
  // room for the placer's wider drawing (up to 1.2x) and tilt
  const aspect = inkAspect * 1.25;
  const height = Math.round(Math.exp(between(rng, Math.log(PHONE_SIDE[0]), Math.log(PHONE_SIDE[1]))));
  // a wide pad for a number (600×200 is the page's), near square for a digit
  const width = Math.round(height * (wide ? between(rng, 2.5, 3.5) : between(rng, 0.75, 1.33)));
  let boxH = between(rng, 0.45, 0.85) * Math.min(width, height);
  if (boxH * aspect > 0.85 * width) boxH = (0.85 * width) / aspect;
  // off centre, but with room left for the pen's width and the wobble
  const cx = width / 2 + between(rng, -0.3, 0.3) * (width - boxH * aspect);
  const cy = height / 2 + between(rng, -0.3, 0.3) * (height - boxH);
  return { width, height, boxH, cx, cy };
}

/**
 * maps points of a drawing whose bounding box is `box` onto a canvas: scaled to `boxH` tall and a
 * random width factor, tilted, and wobbled by a smooth displacement field (an unsteady finger)
 */
function placer(rng: Rng, box: Bounds, canvas: { boxH: number; cx: number; cy: number }) {
  const s = canvas.boxH / Math.max(1, box.y1 - box.y0);
  const sx = s * between(rng, 0.8, 1.2);
  const tilt = (between(rng, -10, 10) * Math.PI) / 180;
  const cos = Math.cos(tilt), sin = Math.sin(tilt);
  const mx = (box.x0 + box.x1) / 2, my = (box.y0 + box.y1) / 2;
  const wobble = between(rng, 0, 0.04) * canvas.boxH;
  const field = 64;
  const nx = valueNoise(field, field, 16, rng), ny = valueNoise(field, field, 16, rng);
  return (x: number, y: number): [number, number] => {
    const fx = Math.min(field - 1, Math.max(0, ((x - box.x0) / Math.max(1, box.x1 - box.x0)) * (field - 1)));
    const fy = Math.min(field - 1, Math.max(0, ((y - box.y0) / Math.max(1, box.y1 - box.y0)) * (field - 1)));
    const k = Math.round(fy) * field + Math.round(fx);
    const px = (x - mx) * sx + wobble * nx[k], py = (y - my) * s + wobble * ny[k];
    return [canvas.cx + px * cos - py * sin, canvas.cy + px * sin + py * cos];
  };
}

/** draws polylines (any units; only their shape counts) with one pen on a new phone canvas and exports it */
export function drawOnPhone(polylines: readonly number[][], rng: Rng, wide = false): DecodedImage {
  const box = boundsOf(polylines);
  const canvas = phoneCanvas(rng, (box.x1 - box.x0 + 1) / (box.y1 - box.y0 + 1), wide);
  const place = placer(rng, box, canvas);
  const radius = penRadius(rng, canvas.boxH);
  const cover = createRaster(canvas.width, canvas.height);
  for (const line of polylines) {
    const points: number[] = [];
    for (let j = 0; j < line.length; j += 2) points.push(...place(line[j], line[j + 1]));
    drawPolyline(cover, points, radius);
  }
  return exportCanvas(cover, rng);
}

/** a pen radius for a digit `height` pixels tall: a fine stylus or a finger */
function penRadius(rng: Rng, height: number): number {
  return height * (rng.uniform() < 0.5 ? between(rng, 0.01, 0.025) : between(rng, 0.03, 0.07));
}

/** exports stroke coverage (0..1 over the whole canvas) the way one of the LOOKS would */
function exportCanvas(cover: Raster, rng: Rng): DecodedImage {
  let u = rng.uniform();
  const look = LOOKS.find((l) => (u -= l.p) < 0)?.look ?? LOOKS[0].look;
  const n = cover.width * cover.height;
  const gray = new Float32Array(n);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.round(Math.min(1, Math.max(0, cover.data[i])) * 255) / 255;
  if (look.startsWith('transparent')) {
    const stroke = look === 'transparent, dark strokes' ? Math.round(between(rng, 0, 40)) : look === 'transparent, white strokes' ? 255 : Math.round(between(rng, 30, 140));
    // untouched pixels export as transparent black, as <canvas> does
    for (let i = 0; i < n; i++) gray[i] = a[i] > 0 ? stroke : 0;
    return { width: cover.width, height: cover.height, gray, alpha: a };
  }
  const background = look === 'white canvas' ? Math.round(between(rng, 235, 255)) : Math.round(between(rng, 0, 30));
  const stroke = look === 'white canvas' ? Math.round(between(rng, 0, 60)) : Math.round(between(rng, 215, 255));
  for (let i = 0; i < n; i++) gray[i] = Math.round(background + (stroke - background) * a[i]);
  return { width: cover.width, height: cover.height, gray, alpha: null };
}

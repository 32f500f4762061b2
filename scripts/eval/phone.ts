// a drawing made on a phone: strokes of a round pen on a canvas, exported as a png with a
// transparent background (most drawing apps and <canvas>), or flattened on white or on black.
import type { DecodedImage } from '../../shared/image/decoded';
import type { Rng } from '../../shared/rng';
import { between } from './noise';
import type { Raster } from './raster';

/** the canvas's look, drawn with these odds */
const LOOKS = [
  { p: 0.45, look: 'transparent, dark strokes' },
  { p: 0.15, look: 'transparent, white strokes' },
  { p: 0.1, look: 'transparent, coloured strokes' },
  { p: 0.2, look: 'white canvas' },
  { p: 0.1, look: 'black canvas' },
] as const;

/** picture side range of a phone canvas, in pixels */
export const PHONE_SIDE: [number, number] = [160, 400];

/** a pen radius for a digit `height` pixels tall: a fine stylus or a finger */
export function penRadius(rng: Rng, height: number): number {
  return height * (rng.uniform() < 0.5 ? between(rng, 0.01, 0.025) : between(rng, 0.03, 0.07));
}

/** exports stroke coverage (0..1 over the whole canvas) the way one of the LOOKS would */
export function exportCanvas(cover: Raster, rng: Rng): DecodedImage {
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

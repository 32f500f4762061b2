// ink shapes to photograph: an mnist test digit redrawn as a pen line, or a font glyph filled.
import { D, IMAGE_SIDE, PIXEL_MAX } from '../../shared/dims';
import type { Rng } from '../../shared/rng';
import { between, chance } from './noise';
import { fillPolygons, flattenPath, transformPolygons } from './outline';
import { createRaster, cropToInk, gaussianBlur, morph, sampleBilinear, type Raster } from './raster';

/** upsampling of mnist's 28x28 before the pen edge is drawn */
export const MNIST_UP = 4;

/** an mnist digit (784 values 0..255) as 0..1 ink blown up `up` times, bilinearly */
export function mnistUpsampled(pixels: ArrayLike<number>, up: number): Raster {
  if (pixels.length !== D) throw new RangeError(`mnist digit: expected ${D} pixels, got ${pixels.length}`);
  const src = createRaster(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < D; i++) src.data[i] = pixels[i] / PIXEL_MAX;
  const side = IMAGE_SIDE * up;
  const out = createRaster(side, side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) out.data[y * side + x] = sampleBilinear(src, (x + 0.5) / up - 0.5, (y + 0.5) / up - 0.5);
  return out;
}

/**
 * an mnist digit as pen ink: blown up 4x and given a crisp edge at a random level, so one digit
 * comes out as a thin pen line or a thick marker
 */
export function mnistInk(pixels: ArrayLike<number>, rng: Rng, pen: 'any' | 'thin' | 'regular' | 'thick' = 'any'): Raster {
  let up = mnistUpsampled(pixels, MNIST_UP);
  // a thick marker spreads the ink first; the edge level then sets the width of the line
  const thick = pen === 'thick' || (pen === 'any' && chance(rng, 0.25));
  const thin = !thick && (pen === 'thin' || (pen === 'any' && chance(rng, 0.3)));
  if (thick) up = gaussianBlur(up, between(rng, 2, 4));
  const level = thick ? between(rng, 0.12, 0.25) : thin ? between(rng, 0.6, 0.8) : between(rng, 0.3, 0.55);
  const soft = 0.06;
  for (let i = 0; i < up.data.length; i++) {
    const t = Math.min(1, Math.max(0, (up.data[i] - level + soft) / (2 * soft)));
    up.data[i] = t * t * (3 - 2 * t);
  }
  return cropToInk(up, 3);
}

/** glyph height in pixels when filled, before it is photographed */
const GLYPH_PX = 96;

/** a glyph's outline (svg path data) filled about 96 px tall, with random slant, width and weight */
export function glyphInk(pathData: string, rng: Rng): Raster {
  const polys = flattenPath(pathData);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of polys)
    for (let k = 0; k < p.length; k += 2) {
      minX = Math.min(minX, p[k]);
      maxX = Math.max(maxX, p[k]);
      minY = Math.min(minY, p[k + 1]);
      maxY = Math.max(maxY, p[k + 1]);
    }
  const s = GLYPH_PX / Math.max(1, maxY - minY);
  const sx = s * between(rng, 0.85, 1.15);
  const slant = between(rng, -0.15, 0.15);
  const bold = chance(rng, 0.25) ? between(rng, 1, 3.5) : 0;
  const pad = 4 + Math.ceil(bold) + Math.ceil(Math.abs(slant) * GLYPH_PX);
  // x' = sx (x - minX) + slant (maxY - y) s + pad, y' = s (y - minY) + pad
  const placed = transformPolygons(polys, [sx, 0, -slant * s, s, pad - sx * minX + slant * s * maxY, pad - s * minY]);
  const width = Math.ceil(sx * (maxX - minX) + Math.abs(slant) * GLYPH_PX) + 2 * pad + 2;
  const filled = fillPolygons(placed, width, GLYPH_PX + 2 * pad + 2);
  return cropToInk(bold > 0 ? morph(filled, bold, 'max') : filled, 3);
}

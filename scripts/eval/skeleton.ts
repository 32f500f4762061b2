// the centre line of a binary shape (zhang & suen's 1984 thinning), to redraw a digit with another pen.
import { thin } from '../lib/thin';
import type { Raster } from './raster';

/** the centre line of the ink above `level` in a coverage raster, as segments [x0, y0, x1, y1] */
export function centreLine(ink: Raster, level = 0.35): number[][] {
  const mask = new Uint8Array(ink.width * ink.height);
  for (let i = 0; i < mask.length; i++) mask[i] = ink.data[i] > level ? 1 : 0;
  thin(mask, ink.width, ink.height);
  return skeletonSegments(mask, ink.width, ink.height);
}

/** the skeleton's links: each pair of 8-connected skeleton pixels once, as [x0, y0, x1, y1] */
export function skeletonSegments(mask: Uint8Array, width: number, height: number): number[][] {
  const segments: number[][] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      let linked = false;
      for (const [dx, dy] of [[1, 0], [1, 1], [0, 1], [-1, 1]]) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || xx >= width || yy >= height || !mask[yy * width + xx]) continue;
        // a diagonal link is redundant when the two pixels also meet through a straight neighbour
        if (dx !== 0 && dy !== 0 && (mask[y * width + xx] || mask[yy * width + x])) continue;
        segments.push([x, y, xx, yy]);
        linked = true;
      }
      if (!linked) segments.push([x, y, x, y]);
    }
  return segments;
}

// a contact sheet of evaluation images as one png, for checking a set by eye (npm run eval:build -- --sheets)
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { DecodedImage } from '../../shared/image/decoded';

/** lays images out on a grid of `cell`-pixel squares (each scaled to fit, transparency shown as mid grey) */
export function writeSheet(path: string, images: DecodedImage[], columns = 20, cell = 64): void {
  if (images.length === 0) return;
  const rows = Math.ceil(images.length / columns);
  const png = new PNG({ width: columns * cell, height: rows * cell });
  png.data.fill(255);
  images.forEach((img, n) => {
    const ox = (n % columns) * cell, oy = Math.floor(n / columns) * cell;
    const scale = Math.max(img.width, img.height) / (cell - 2);
    for (let y = 0; y < cell - 2; y++)
      for (let x = 0; x < cell - 2; x++) {
        const sx = Math.floor(x * scale), sy = Math.floor(y * scale);
        if (sx >= img.width || sy >= img.height) continue;
        const i = sy * img.width + sx;
        const a = img.alpha ? img.alpha[i] : 1;
        const v = Math.round(img.gray[i] * a + 128 * (1 - a));
        const o = ((oy + y + 1) * png.width + ox + x + 1) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      }
  });
  writeFileSync(path, PNG.sync.write(png));
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { IMAGE_SIDE } from '../../shared/dims';

/** writes 28x28 images (values 0..1, ink bright) as a grey-gapped grid PNG, `cols` per row, zoomed 3x */
export function writeGrid(path: string, images: ArrayLike<number>[], cols: number, zoom = 3): void {
  const gap = 2;
  const cell = IMAGE_SIDE * zoom + gap;
  const rows = Math.ceil(images.length / cols);
  const png = new PNG({ width: cols * cell + gap, height: rows * cell + gap, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const gray = Buffer.alloc(png.width * png.height, 96);
  images.forEach((img, k) => {
    const top = gap + Math.floor(k / cols) * cell, left = gap + (k % cols) * cell;
    for (let y = 0; y < IMAGE_SIDE * zoom; y++)
      for (let x = 0; x < IMAGE_SIDE * zoom; x++)
        gray[(top + y) * png.width + left + x] = Math.round(255 * Math.min(1, Math.max(0, img[Math.floor(y / zoom) * IMAGE_SIDE + Math.floor(x / zoom)])));
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write({ ...png, data: gray } as PNG, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

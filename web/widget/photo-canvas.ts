// a photo drawn where the pad is: the whole picture fitted into the pad's box, the part preprocessing
// cropped outlined and the rest dimmed; in the compact widget also the 28×28 the model saw, in a
// corner (the page shows it beside the bars).

import { D, IMAGE_SIDE } from '../../shared/dims';
import type { CropBox } from '../../shared/image/preprocess';
import type { OpenedPhoto } from '../photo/open';
import type { Pixels } from '../pixels';

const cssVar = (el: Element, name: string, otherwise: string) => getComputedStyle(el).getPropertyValue(name).trim() || otherwise;

/** sizes the canvas to its box at the screen's pixel density; returns its size in canvas pixels and canvas pixels per CSS pixel */
export function fitToBox(canvas: HTMLCanvasElement): { width: number; height: number; dpr: number } {
  const r = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(r.width * dpr));
  const height = Math.max(1, Math.round(r.height * dpr));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return { width, height, dpr };
}

/** where a picture landed on a canvas, in CSS pixels: its top left corner and CSS pixels per picture pixel */
export interface Placement {
  x0: number;
  y0: number;
  scale: number;
}

export function drawPhoto(canvas: HTMLCanvasElement, photo: OpenedPhoto, crop: CropBox | null): Placement {
  const { width: cw0, height: ch0, dpr } = fitToBox(canvas);
  const side = Math.min(cw0, ch0);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = cssVar(canvas, '--mw-pad', '#fff');
  ctx.fillRect(0, 0, cw0, ch0);
  const scale = Math.min(cw0 / photo.width, ch0 / photo.height);
  const w = photo.width * scale;
  const h = photo.height * scale;
  const x0 = (cw0 - w) / 2;
  const y0 = (ch0 - h) / 2;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(photo.picture, x0, y0, w, h);
  const placement = { x0: x0 / dpr, y0: y0 / dpr, scale: scale / dpr };
  if (!crop) return placement;
  const pad = Math.max(2, side / 80); // the outline sits just outside the ink
  const x = x0 + crop.left * scale - pad;
  const y = y0 + crop.top * scale - pad;
  const cw = crop.width * scale + 2 * pad;
  const ch = crop.height * scale + 2 * pad;
  ctx.fillStyle = 'rgb(0 0 0 / 35%)';
  ctx.beginPath();
  ctx.rect(0, 0, cw0, ch0);
  ctx.rect(x, y, cw, ch);
  ctx.fill('evenodd');
  ctx.lineWidth = Math.max(2, side / 160);
  ctx.strokeStyle = cssVar(canvas, '--mw-accent', '#4338ca');
  ctx.strokeRect(x, y, cw, ch);
  return placement;
}

/** the 784 values, ink white on black, in the bottom right corner of the photo */
export function drawSeenInset(canvas: HTMLCanvasElement, pixels: Pixels): void {
  const side = canvas.width;
  const inset = Math.round(side * 0.28);
  const margin = Math.round(side * 0.03);
  const image = new ImageData(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < D; i++) {
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = pixels[i];
    image.data[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = small.height = IMAGE_SIDE;
  small.getContext('2d')!.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d')!;
  const x = side - inset - margin;
  const y = side - inset - margin;
  ctx.fillStyle = cssVar(canvas, '--mw-surface', '#fff');
  ctx.fillRect(x - 2, y - 2, inset + 4, inset + 4);
  ctx.imageSmoothingEnabled = false; // the model's pixels, as squares
  ctx.drawImage(small, x, y, inset, inset);
  ctx.imageSmoothingEnabled = true;
}

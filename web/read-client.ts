// client.js's read(): the number in a picture, from the worker's POST /read.
//   import { read } from 'https://<worker>/client.js';
//   const { text, digits, uncertain } = await read(canvas);   // digits[i].box in the canvas's pixels
// a canvas, ImageData, <img> or ImageBitmap is drawn onto a canvas no larger than the free plan
// accepts (sides ≤ 640 px, RGBA pixel data ≤ 150 KiB) and sent as a PNG; each digit's box comes back
// scaled to the input's own pixels. a Blob or File goes up as it is (PNG).

import { call } from './api';
import type { NumberAnswer } from '../worker/api-types';

export type { NumberAnswer };

export interface ReadOptions {
  /** the worker to ask; defaults to the origin this module was loaded from */
  endpoint?: string;
  signal?: AbortSignal;
}

export type ReadInput = HTMLCanvasElement | OffscreenCanvas | ImageData | HTMLImageElement | ImageBitmap | Blob;

const DEFAULT_ENDPOINT = new URL(import.meta.url).origin;
/** what the free plan decodes (shared/limits.ts): sides, and pixel data as RGBA, with room for the filter bytes */
const MAX_SIDE = 640;
const MAX_RGBA_BYTES = 150 * 1024;

/** the input's size and something drawImage takes */
async function drawable(input: Exclude<ReadInput, Blob>): Promise<{ source: CanvasImageSource; width: number; height: number }> {
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) return { source: await createImageBitmap(input), width: input.width, height: input.height };
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) await input.decode();
    return { source: input, width: input.naturalWidth, height: input.naturalHeight };
  }
  return { source: input as CanvasImageSource, width: input.width, height: input.height };
}

/** reads the number in a picture with the worker; rejects with the API's error (code, message, status) */
export async function read(input: ReadInput, options: ReadOptions = {}): Promise<NumberAnswer> {
  const url = `${(options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/read`;
  const post = (body: Blob) => call<NumberAnswer>(url, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body, signal: options.signal });
  if (typeof Blob !== 'undefined' && input instanceof Blob) return post(input);
  const { source, width, height } = await drawable(input as Exclude<ReadInput, Blob>);
  if (!width || !height) throw new TypeError('read: the image has no pixels (not loaded, or 0×0)');
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height), Math.sqrt(MAX_RGBA_BYTES / (4 * width * height)));
  const w = Math.max(1, Math.floor(width * scale)), h = Math.max(1, Math.floor(height * scale));
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext('2d')!.drawImage(source, 0, 0, w, h);
  const answer = await post(await canvas.convertToBlob({ type: 'image/png' }));
  // boxes back in the input's pixels
  const sx = width / w, sy = height / h;
  for (const d of answer.digits) {
    const x = Math.floor(d.box.x * sx), y = Math.floor(d.box.y * sy);
    d.box = { x, y, width: Math.min(width, Math.ceil((d.box.x + d.box.width) * sx)) - x, height: Math.min(height, Math.ceil((d.box.y + d.box.height) * sy)) - y };
  }
  return answer;
}

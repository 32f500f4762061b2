// client.js, an ES module for any page:
//   import { classify } from 'https://<worker>/client.js';
//   const { digit, confidence, probabilities, uncertain } = await classify(canvas);
// 784 numbers are sent as JSON as they are; a canvas, ImageData or <img> is run through the shared
// MNIST preprocessing here first (the same code the worker runs); a Blob or File goes up as image/png.

import { D } from '../shared/dims';
import { call, ApiCallError, type Answer } from './api';
import { pixelsFromImageData } from './pixels';

export { ApiCallError as ClassifyError };
export type { Answer };

export interface ClassifyOptions {
  /** the worker to ask; defaults to the origin this module was loaded from */
  endpoint?: string;
  signal?: AbortSignal;
}

export type ClassifyInput = ArrayLike<number> | HTMLCanvasElement | OffscreenCanvas | ImageData | HTMLImageElement | ImageBitmap | Blob;

const DEFAULT_ENDPOINT = new URL(import.meta.url).origin;

/** an RGBA snapshot of a drawable: pixels straight from a 2d canvas, anything else drawn onto one first */
async function imageData(input: Exclude<ClassifyInput, ArrayLike<number> | Blob | ImageData>): Promise<ImageData> {
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) await input.decode();
  }
  const width = 'naturalWidth' in input ? input.naturalWidth : input.width;
  const height = 'naturalHeight' in input ? input.naturalHeight : input.height;
  if (!width || !height) throw new TypeError('classify: the image has no pixels (not loaded, or 0×0)');
  const ctx2d = 'getContext' in input ? (input.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null) : null;
  if (ctx2d) return ctx2d.getImageData(0, 0, width, height);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(input as CanvasImageSource, 0, 0);
  try {
    return ctx.getImageData(0, 0, width, height);
  } catch {
    throw new TypeError('classify: the browser will not let scripts read this image (cross-origin without CORS); pass the image as a Blob instead');
  }
}

/** classifies one digit with the worker; resolves to the API's JSON answer, rejects with a ClassifyError */
export async function classify(input: ClassifyInput, options: ClassifyOptions = {}): Promise<Answer> {
  const endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const url = `${endpoint}/classify`;
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    return call<Answer>(url, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: input, signal: options.signal });
  }
  let pixels: number[];
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) pixels = pixelsFromImageData(input);
  else if (typeof (input as ArrayLike<number>).length === 'number' && !('getContext' in (input as object))) {
    const values = input as ArrayLike<number>;
    if (values.length !== D) throw new TypeError(`classify: expected ${D} pixel values (28×28, ink bright on black), got ${values.length}`);
    pixels = Array.from(values);
  } else pixels = pixelsFromImageData(await imageData(input as Exclude<ClassifyInput, ArrayLike<number> | Blob | ImageData>));
  return call<Answer>(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pixels }), signal: options.signal });
}

// reading a number (POST /read): web/read-client.ts
export { read, type NumberAnswer, type ReadInput, type ReadOptions } from './read-client';

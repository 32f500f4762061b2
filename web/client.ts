// client.js, an ES module for any page:
//   import { classify } from 'https://<worker>/client.js';
//   const { digit, confidence, probabilities, uncertain } = await classify(canvas);
// 784 numbers are sent as JSON as they are. a canvas, ImageData, <img> or ImageBitmap is run
// through the shared MNIST preprocessing here first (the same code the Worker runs; pictures larger
// than PHOTO_SIDE are drawn down to it first) and sent as those 784 values. a Blob or File that is
// a PNG within the free plan's limits goes up as it is; any other picture the browser can open
// (a JPEG or HEIC photo, WebP, a large PNG) is decoded by the browser, reduced to fit the plan and
// sent as a small gray PNG (photo/); one it cannot open goes up as it is, for the Worker to explain.

import { D } from '../shared/dims';
import { call, ApiCallError, type Answer } from './api';
import { PHOTO_LIMITS, PHOTO_SIDE, pngFitsAsIs, scaledToSide } from './photo/fit';
import { grayPng } from './photo/gray';
import { drawnImageData, openPhoto, PhotoError } from './photo/open';
import { pixelsFromImageData } from './pixels';

export { ApiCallError as ClassifyError, PhotoError };
export type { Answer };

export interface ClassifyOptions {
  /** the worker to ask; defaults to the origin this module was loaded from */
  endpoint?: string;
  signal?: AbortSignal;
}

export type ClassifyInput = ArrayLike<number> | HTMLCanvasElement | OffscreenCanvas | ImageData | HTMLImageElement | ImageBitmap | Blob;

type Drawable = HTMLCanvasElement | OffscreenCanvas | HTMLImageElement | ImageBitmap;

const DEFAULT_ENDPOINT = new URL(import.meta.url).origin;

/** an RGBA snapshot of a drawable: pixels straight from a 2d canvas, anything else (or anything larger than PHOTO_SIDE) drawn onto one first */
async function imageData(input: Drawable): Promise<ImageData> {
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) await input.decode();
  }
  const width = 'naturalWidth' in input ? input.naturalWidth : input.width;
  const height = 'naturalHeight' in input ? input.naturalHeight : input.height;
  if (!width || !height) throw new TypeError('classify: the image has no pixels (not loaded, or 0×0)');
  if (Math.max(width, height) > PHOTO_SIDE) {
    // a phone photo's 12 megapixels would be 48 MB of RGBA: preprocessing averages down to 128 px anyway
    const size = scaledToSide(width, height, PHOTO_SIDE);
    return drawnImageData(input, size.width, size.height);
  }
  const ctx2d = 'getContext' in input ? (input.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null) : null;
  if (ctx2d) return ctx2d.getImageData(0, 0, width, height);
  return drawnImageData(input, width, height);
}

/**
 * a Blob as the picture to send: unchanged when it is a png the Worker takes as it is, else decoded
 * and reduced by the browser to a gray png. what the browser cannot decode goes up unchanged too,
 * so the Worker's error says what is wrong with it (not_png, unsupported_media_type, ...)
 */
async function pictureToSend(blob: Blob): Promise<Blob> {
  if ((blob.type === '' || blob.type === 'image/png') && blob.size <= PHOTO_LIMITS.imageBytes) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (pngFitsAsIs(bytes)) return blob;
  }
  try {
    const photo = await openPhoto(blob);
    photo.release();
    return new Blob([grayPng(photo.reduced) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  } catch (e) {
    if (e instanceof PhotoError && e.code !== 'cannot_read') return blob;
    throw e;
  }
}

/** classifies one digit with the worker; resolves to the API's JSON answer, rejects with a ClassifyError (a PhotoError for an image from another site the browser will not let scripts read) */
export async function classify(input: ClassifyInput, options: ClassifyOptions = {}): Promise<Answer> {
  const endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const url = `${endpoint}/classify`;
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const body = await pictureToSend(input);
    return call<Answer>(url, { method: 'POST', headers: { 'Content-Type': body.type || 'image/png' }, body, signal: options.signal });
  }
  let pixels: number[];
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) pixels = pixelsFromImageData(input);
  else if (typeof (input as ArrayLike<number>).length === 'number' && !('getContext' in (input as object))) {
    const values = input as ArrayLike<number>;
    if (values.length !== D) throw new TypeError(`classify: expected ${D} pixel values (28×28, ink bright on black), got ${values.length}`);
    pixels = Array.from(values);
  } else pixels = pixelsFromImageData(await imageData(input as Drawable));
  return call<Answer>(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pixels }), signal: options.signal });
}

// reading a number (POST /read): web/read-client.ts
export { read, type NumberAnswer, type ReadInput, type ReadOptions } from './read-client';

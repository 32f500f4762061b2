// a picture in the browser (a file, a pasted or dropped image, an <img>, a bitmap, a canvas or
// ImageData) decoded by the browser itself, so whatever it can show works (JPEG, WebP, AVIF, HEIC
// where supported, EXIF orientation applied), then reduced on a canvas to what the plan accepts
// (fit.ts) as 8-bit gray (gray.ts).

import { PHOTO_LIMITS, PHOTO_SIDE, photoSize } from './fit';
import { grayFromRgba, type GrayPhoto } from './gray';

export type PictureInput = Blob | HTMLImageElement | ImageBitmap | HTMLCanvasElement | OffscreenCanvas | ImageData;

export interface OpenedPhoto {
  /** the picture at its own size, to show */
  picture: CanvasImageSource;
  width: number;
  height: number;
  /** the picture reduced to what is sent */
  reduced: GrayPhoto;
  /** frees the decoded picture when this module made it (a 12-megapixel bitmap is 48 MB); it cannot be drawn after */
  release(): void;
}

/** a picture the browser could not open, said so that the person can do something about it */
export class PhotoError extends Error {
  constructor(
    public code: 'not_an_image' | 'cannot_decode' | 'cannot_read',
    message: string,
  ) {
    super(message);
    this.name = 'PhotoError';
  }
}

const kindOf = (blob: Blob) => (blob.type ? blob.type.replace(/^image\//, '').toUpperCase() : 'this file');

/** an <img> decoding the blob: the fallback where createImageBitmap cannot (some browsers' HEIC, SVG) */
async function imageOf(blob: Blob): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    // decode() resolved: the pixels are in the element, the URL is no longer needed
    URL.revokeObjectURL(url);
  }
}

async function decodeBlob(blob: Blob): Promise<{ picture: CanvasImageSource; width: number; height: number }> {
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new PhotoError('not_an_image', `That is not a picture (${blob.type}): use a photo or an image file.`);
  }
  try {
    const bitmap = await createImageBitmap(blob); // EXIF orientation applied ('from-image' is the default)
    return { picture: bitmap, width: bitmap.width, height: bitmap.height };
  } catch {
    try {
      const img = await imageOf(blob);
      return { picture: img, width: img.naturalWidth, height: img.naturalHeight };
    } catch {
      throw new PhotoError('cannot_decode', `This browser cannot open ${kindOf(blob)} pictures. Try a JPEG or PNG (a screenshot of the photo works too).`);
    }
  }
}

async function decode(input: PictureInput): Promise<{ picture: CanvasImageSource; width: number; height: number }> {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return decodeBlob(input);
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    const bitmap = await createImageBitmap(input);
    return { picture: bitmap, width: input.width, height: input.height };
  }
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) await input.decode();
    return { picture: input, width: input.naturalWidth, height: input.naturalHeight };
  }
  const source = input as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
  return { picture: source, width: source.width, height: source.height };
}

function canvasOf(width: number, height: number): HTMLCanvasElement | OffscreenCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** the picture drawn at width × height with the browser's best smoothing */
export function drawnImageData(picture: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = canvasOf(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(picture, 0, 0, width, height);
  try {
    return ctx.getImageData(0, 0, width, height);
  } catch {
    throw new PhotoError('cannot_read', 'The browser will not let scripts read this image (from another site without CORS); pass it as a file or Blob instead.');
  }
}

/** the picture reduced to fit the plan as gray: alpha is kept only when some pixel is see-through */
export function reducePicture(picture: CanvasImageSource, width: number, height: number, maxSide = PHOTO_SIDE): GrayPhoto {
  let size = photoSize(width, height, false, PHOTO_LIMITS, maxSide);
  let photo = grayFromRgba(drawnImageData(picture, size.width, size.height).data, size.width, size.height);
  if (photo.alpha) {
    // alpha doubles the bytes: draw it again a little smaller
    const smaller = photoSize(width, height, true, PHOTO_LIMITS, maxSide);
    if (smaller.width !== size.width || smaller.height !== size.height) {
      size = smaller;
      photo = grayFromRgba(drawnImageData(picture, size.width, size.height).data, size.width, size.height);
    }
  }
  return photo;
}

/** decodes and reduces any picture the browser can show; `maxSide`: NUMBER_PHOTO_SIDE for a number (fit.ts) */
export async function openPhoto(input: PictureInput, maxSide = PHOTO_SIDE): Promise<OpenedPhoto> {
  const { picture, width, height } = await decode(input);
  const release = () => {
    if (picture !== input && typeof ImageBitmap !== 'undefined' && picture instanceof ImageBitmap) picture.close();
  };
  if (!width || !height) {
    release();
    throw new PhotoError('cannot_decode', 'The picture has no pixels (not loaded yet, or 0×0).');
  }
  return { picture, width, height, reduced: reducePicture(picture, width, height, maxSide), release };
}

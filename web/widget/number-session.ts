// number mode: the wide pad's drawing or a photo read by the Worker's POST /read. the drawing is
// read when a stroke ends (one request at a time; a stroke meanwhile asks again once it is back),
// sent as dark ink on white in a gray png within the free plan's limits; a photo is reduced by the
// browser as for a digit but keeps up to NUMBER_PHOTO_SIDE px, as its digits sit side by side.
// an answer to a drawing or photo replaced or cleared since is dropped (generation).

import { readNumber, type NumberAnswer } from '../api';
import { NUMBER_PHOTO_SIDE, PHOTO_LIMITS, photoSize } from '../photo/fit';
import { grayFromRgba, grayPng } from '../photo/gray';
import { openPhoto, type OpenedPhoto } from '../photo/open';
import type { Pad } from '../pad';
import type { Placement } from './photo-canvas';

/** the widest drawing sent: the 600×200 number pad at one pixel per CSS pixel */
export const NUMBER_PAD_SIDE = 600;

export interface NumberSessionOptions {
  endpoint: string;
  pad: Pad;
  padCanvas: HTMLCanvasElement;
  /** a photo is open: show it, and say where it landed */
  onPhoto(photo: OpenedPhoto): Placement;
  /** the answer, and where its boxes go (CSS pixels on the pad's box) */
  onAnswer(answer: NumberAnswer, at: Placement): void;
  onError(e: unknown): void;
}

export interface NumberSession {
  /** a stroke ended: read the drawing */
  drawingDone(): void;
  /** read a photo in place of the drawing */
  usePhoto(picture: Blob): Promise<void>;
  /** drawing again or cleared: forget the photo, drop answers on their way */
  reset(): void;
}

export function createNumberSession(options: NumberSessionOptions): NumberSession {
  let generation = 0;
  let busy = false;
  let again = false;
  let photo: OpenedPhoto | null = null;

  function forgetPhoto() {
    photo?.release();
    photo = null;
  }

  async function readDrawing() {
    if (busy) {
      again = true;
      return;
    }
    const { pad, padCanvas } = options;
    const size = photoSize(padCanvas.width, padCanvas.height, false, PHOTO_LIMITS, NUMBER_PAD_SIDE);
    const image = pad.picture(size.width, size.height);
    if (!image) return;
    const png = grayPng(grayFromRgba(image.data, size.width, size.height));
    const at: Placement = { x0: 0, y0: 0, scale: padCanvas.getBoundingClientRect().width / size.width };
    const gen = generation;
    busy = true;
    try {
      const answer = await readNumber(options.endpoint, png);
      if (gen === generation && !again) options.onAnswer(answer, at);
    } catch (e) {
      if (gen === generation && !again) options.onError(e);
    } finally {
      busy = false;
      if (again) {
        again = false;
        void readDrawing();
      }
    }
  }

  return {
    drawingDone: () => void readDrawing(),
    async usePhoto(picture) {
      const gen = ++generation;
      forgetPhoto();
      let opened: OpenedPhoto;
      try {
        opened = await openPhoto(picture, NUMBER_PHOTO_SIDE);
      } catch (e) {
        if (gen === generation) options.onError(e);
        return;
      }
      if (gen !== generation) {
        opened.release();
        return;
      }
      photo = opened;
      const shown = options.onPhoto(opened);
      // the boxes come in the reduced photo's pixels: the photo was drawn at its own size
      const at: Placement = { ...shown, scale: (shown.scale * opened.width) / opened.reduced.width };
      try {
        const answer = await readNumber(options.endpoint, grayPng(opened.reduced));
        if (gen === generation) options.onAnswer(answer, at);
      } catch (e) {
        if (gen === generation) options.onError(e);
      }
    },
    reset() {
      generation++;
      again = false;
      forgetPhoto();
    },
  };
}

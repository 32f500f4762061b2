// a photo in place of the drawing: opened and reduced by the browser (photo/), preprocessed here
// for the crop to outline (the same shared code and the same pixels the Worker gets), then
// classified by the Worker from the reduced png (it answers the 784 pixels it saw) or, with the
// switch on, by the model in the browser. an answer to a photo replaced or cleared since is dropped.

import { ImageError } from '../../shared/image/decoded';
import { preprocessImageWithCrop, type CropBox } from '../../shared/image/preprocess';
import { classifyPhoto, type Answer, type LocalModel } from '../api';
import { decodedOf, grayPng } from '../photo/gray';
import { openPhoto, type OpenedPhoto } from '../photo/open';
import type { Pixels } from '../pixels';

export interface PhotoSessionOptions {
  endpoint: string;
  inBrowser(): boolean;
  localModel(): Promise<LocalModel>;
  /** the photo is open: show it (the crop is null when preprocessing found no digit) */
  onPhoto(photo: OpenedPhoto, crop: CropBox | null): void;
  onAnswer(pixels: Pixels, answer: Answer, inBrowser: boolean): void;
  onError(e: unknown): void;
}

export interface PhotoSession {
  /** opens and classifies a new picture */
  use(picture: Blob): Promise<void>;
  /** classifies the photo on screen again (the switch moved); false when there is none */
  rerun(): boolean;
  /** the photo is gone (drawing again, cleared): forget it and drop its answer */
  drop(): void;
}

interface Shown {
  photo: OpenedPhoto;
  /** the reduced photo as sent */
  png: Uint8Array;
  /** the browser's own preprocessing of it, or its no_digit error */
  local: { pixels: Pixels; crop: CropBox } | ImageError;
}

/** the crop box on the reduced photo, in the pixels of the picture it was reduced from */
const scaleCrop = (crop: CropBox, by: number): CropBox => ({ left: crop.left * by, top: crop.top * by, width: crop.width * by, height: crop.height * by });

export function createPhotoSession(options: PhotoSessionOptions): PhotoSession {
  let generation = 0;
  let shown: Shown | null = null;

  /** the photo on screen is gone: free its bitmap */
  function forget() {
    shown?.photo.release();
    shown = null;
  }

  async function classify(current: Shown, gen: number) {
    const inBrowser = options.inBrowser();
    try {
      let pixels: Pixels;
      let answer: Answer;
      if (inBrowser) {
        if (current.local instanceof ImageError) throw current.local;
        pixels = current.local.pixels;
        answer = (await options.localModel()).classify(pixels);
      } else {
        answer = await classifyPhoto(options.endpoint, current.png);
        pixels = answer.preprocessed ? answer.preprocessed.map((v) => Math.round(v)) : current.local instanceof ImageError ? [] : current.local.pixels;
      }
      if (gen === generation) options.onAnswer(pixels, answer, inBrowser);
    } catch (e) {
      if (gen === generation) options.onError(e);
    }
  }

  return {
    async use(picture) {
      const gen = ++generation;
      forget();
      let photo: OpenedPhoto;
      try {
        photo = await openPhoto(picture);
      } catch (e) {
        if (gen === generation) options.onError(e);
        return;
      }
      if (gen !== generation) {
        photo.release();
        return;
      }
      let local: Shown['local'];
      try {
        const { pixels, crop } = preprocessImageWithCrop(decodedOf(photo.reduced));
        local = { pixels: Array.from(pixels, (v) => Math.round(v)), crop };
      } catch (e) {
        if (!(e instanceof ImageError)) throw e;
        local = e;
      }
      shown = { photo, png: grayPng(photo.reduced), local };
      options.onPhoto(photo, local instanceof ImageError ? null : scaleCrop(local.crop, Math.max(photo.width, photo.height) / Math.max(photo.reduced.width, photo.reduced.height)));
      await classify(shown, gen);
    },
    rerun() {
      if (!shown) return false;
      void classify(shown, ++generation);
      return true;
    },
    drop() {
      generation++;
      forget();
    },
  };
}

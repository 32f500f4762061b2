// the widget's behaviour on markup from ../markup.ts: draw → preprocess (shared/) → classify on the
// worker or in the browser → show the digit, the ten probabilities and the 28×28 input; feedback.
// `root` is a document, an element or a shadow root: everything is looked up inside it.
//   view.ts               the elements, and what they show: an answer, an error, the cleared state
//   classify-scheduler.ts when and where to classify
//   feedback-panel.ts     "Wrong? Tell us the digit"
//   photo-input.ts        a picture picked, pasted or dropped; photo-session.ts classifies it, photo-canvas.ts shows it
//   number-session.ts     number mode: the wide pad or a photo read by POST /read; number-marks.ts draws the boxes

import { ImageError } from '../../shared/image/decoded';
import type { Mode } from '../options';
import { createPad, NUMBER_PEN_WIDTH, PEN_WIDTH, type Pad } from '../pad';
import { pixelsFromInk, type Pixels } from '../pixels';
import { createClassifyScheduler } from './classify-scheduler';
import { createFeedbackPanel } from './feedback-panel';
import { createNumberSession } from './number-session';
import { createPhotoInput } from './photo-input';
import { createPhotoSession } from './photo-session';
import { createView } from './view';

export interface WidgetOptions {
  /** the worker's origin (and path prefix), without a trailing slash */
  endpoint: string;
  /** where a pasted picture is taken from: the widget itself (default), or the whole document on the page */
  pasteTarget?: EventTarget;
  /** digit (default) or number; the page's Digit / Number toggle switches it later */
  mode?: Mode;
}

export interface Widget {
  clear(): void;
  /** classifies a picture (a photo file, a pasted image) in place of the drawing; in number mode reads the number in it */
  usePhoto(picture: Blob): Promise<void>;
  /** digit or number mode: clears the drawing */
  setMode(mode: Mode): void;
  destroy(): void;
}

/** the drawing as the model's 784 values, or null while there is no ink to see yet */
function drawnPixels(pad: Pad): Pixels | null {
  const drawn = pad.ink();
  if (!drawn) return null;
  try {
    return pixelsFromInk(drawn.ink, drawn.side);
  } catch (e) {
    if (e instanceof ImageError) return null; // nothing visible yet
    throw e;
  }
}

export function attachWidget(root: ParentNode, options: WidgetOptions): Widget {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const view = createView(root);
  const { pad: canvas, clearButton, localSwitch, compact, showAnswer, showError, showCleared, hideHint } = view;
  const feedback = createFeedbackPanel(root, { endpoint, compact });
  const widget = canvas.closest<HTMLElement>('.mw')!;
  let mode: Mode = options.mode ?? 'digit';
  const classifier = createClassifyScheduler({
    endpoint,
    read: () => drawnPixels(pad),
    inBrowser: () => localSwitch?.checked ?? false,
    onAnswer(pixels, answer, inBrowser) {
      showAnswer(pixels, answer, inBrowser);
      feedback.offer(pixels, answer);
    },
    onError: showError,
  });
  const photos = createPhotoSession({
    endpoint,
    inBrowser: () => localSwitch?.checked ?? false,
    localModel: () => classifier.localModel(),
    onPhoto(photo, crop) {
      view.showPhoto(photo, crop);
    },
    onAnswer(pixels, answer, inBrowser) {
      showAnswer(pixels, answer, inBrowser);
      feedback.offer(pixels, answer);
    },
    onError: showError,
  });
  const pad = createPad(canvas, {
    onChange(done) {
      hideHint();
      // drawing again: the photo gives way to the pad
      photos.drop();
      if (mode === 'number') {
        if (!view.photoHidden()) {
          numbers.reset();
          view.hidePhoto();
        }
        // the boxes were of the drawing before this stroke: they come back with the next answer
        if (done) numbers.drawingDone();
        else view.clearMarks();
        return;
      }
      view.hidePhoto();
      classifier.drawingChanged(done);
    },
  });
  const numbers = createNumberSession({
    endpoint,
    pad,
    padCanvas: canvas,
    onPhoto: (photo) => view.showNumberPhoto(photo),
    onAnswer: (answer, at) => view.showNumber(answer, at),
    onError(e) {
      // no number stands (no ink, too many digits, several lines): no older reading beside the error
      showCleared();
      hideHint();
      showError(e);
    },
  });

  function clear() {
    classifier.reset();
    numbers.reset();
    photos.drop();
    pad.clear();
    view.hidePhoto();
    showCleared();
    feedback.withdraw();
  }

  async function usePhoto(picture: Blob) {
    clear();
    hideHint();
    if (mode === 'number') await numbers.usePhoto(picture);
    else await photos.use(picture);
  }

  function setMode(next: Mode) {
    mode = next;
    clear();
    view.setMode(next);
    pad.setPen(next === 'number' ? NUMBER_PEN_WIDTH : PEN_WIDTH);
  }
  const modeButtons = (['digit', 'number'] as const).flatMap((m) => {
    const button = root.querySelector<HTMLButtonElement>(`[data-role="mode-${m}"]`);
    return button ? [{ m, button, onClick: () => m !== mode && setMode(m) }] : [];
  });
  for (const { button, onClick } of modeButtons) button.addEventListener('click', onClick);
  const input = createPhotoInput(root, { dropZone: widget, pasteTarget: options.pasteTarget ?? widget, onPicture: (p) => void usePhoto(p) });

  const onClear = () => {
    clear();
    canvas.focus({ preventScroll: true });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'Escape') {
      e.preventDefault();
      clear();
    }
  };
  // switched to the browser: download the model now, so a failed download shows at once
  const onLocal = async () => {
    if (localSwitch?.checked) {
      try {
        await classifier.localModel();
      } catch (e) {
        localSwitch.checked = false;
        showError(e);
        return;
      }
    }
    if (mode === 'number') return;
    if (!photos.rerun() && !pad.isEmpty()) classifier.classifyNow();
  };

  clearButton.addEventListener('click', onClear);
  canvas.addEventListener('keydown', onKey);
  localSwitch?.addEventListener('change', onLocal);
  setMode(mode);

  return {
    clear,
    usePhoto,
    setMode,
    destroy() {
      clear();
      pad.destroy();
      feedback.destroy();
      input.destroy();
      clearButton.removeEventListener('click', onClear);
      canvas.removeEventListener('keydown', onKey);
      localSwitch?.removeEventListener('change', onLocal);
      for (const { button, onClick } of modeButtons) button.removeEventListener('click', onClick);
    },
  };
}

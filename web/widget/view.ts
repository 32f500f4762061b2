// what the widget shows: an answer (the digit, its confidence, whether to trust it, the ten bars,
// the 28×28 input and who answered), an error, or the cleared state; and the controls index.ts
// wires up. the feedback row is feedback-panel.ts's.

import { K } from '../../shared/dims';
import type { DoubtReason } from '../../shared/model/uncertainty';
import type { NumberDoubt } from '../../shared/model/read';
import type { Answer, NumberAnswer } from '../api';
import type { Mode } from '../options';
import type { CropBox } from '../../shared/image/preprocess';
import type { OpenedPhoto } from '../photo/open';
import { drawPixels, type Pixels } from '../pixels';
import { clearMarks, drawMarks } from './number-marks';
import { drawPhoto, drawSeenInset, type Placement } from './photo-canvas';
import { explainError } from './explain-error';
import { findRole, needRole } from './roles';

export interface WidgetView {
  pad: HTMLCanvasElement;
  clearButton: HTMLButtonElement;
  /** the classify-in-your-browser switch: on the page, not in the compact widget */
  localSwitch: HTMLInputElement | null;
  /** the iframe or embed variant, with less room than the page */
  compact: boolean;
  showAnswer(pixels: Pixels, answer: Answer, inBrowser: boolean): void;
  showError(e: unknown): void;
  showCleared(): void;
  /** the "Draw a digit" hint goes once drawing starts */
  hideHint(): void;
  /** a photo over the pad, with the part preprocessing cropped outlined (in the picture's pixels) when known */
  showPhoto(photo: OpenedPhoto, crop: CropBox | null): void;
  /** back to the drawing pad */
  hidePhoto(): void;
  /** a number read (number mode): its text and doubt, and each digit's box and reading at `at` */
  showNumber(answer: NumberAnswer, at: Placement): void;
  /** a photo of a number over the pad; where it landed */
  showNumberPhoto(photo: OpenedPhoto): Placement;
  photoHidden(): boolean;
  clearMarks(): void;
  /** digit or number: the pad's shape, what it says to screen readers, the page's toggle */
  setMode(mode: Mode): void;
}

/**
 * a probability as a percentage with one decimal; beyond the last decimal, ">99.9%" and "<0.1%"
 * rather than a rounded "100%" or "0%" that a model never means
 */
export const percent = (p: number) => (p > 0.999 ? '>99.9%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(1)}%`);

/** what the uncertain flag says, per reason (shared/model/uncertainty.ts) */
export const DOUBT_TEXT: Record<DoubtReason, string> = {
  several_parts: 'Not sure — is this one digit?',
  not_digit_like: 'Not sure — this does not look like a digit',
  low_confidence: 'Not sure — it could be another digit',
};

/** what a number's uncertain flag says, per reason (shared/model/read.ts) */
export const NUMBER_DOUBT_TEXT: Record<NumberDoubt, string> = {
  uncertain_digit: 'Not sure — a digit could be another',
  ambiguous_split: 'Not sure — where the touching digits part was a guess',
};

const PAD_LABEL: Record<Mode, string> = {
  digit: 'Drawing pad: draw one digit with a mouse, finger or pen. Delete clears it.',
  number: 'Number pad: write a number, its digits side by side, with a mouse, finger or pen. Delete clears it.',
};

/** "the 2nd and 4th digits": where the uncertain ones are, for the doubt line */
function whichDigits(answer: NumberAnswer): string {
  const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
  const at = answer.digits.flatMap((d, i) => (d.uncertain ? [ordinal(i + 1)] : []));
  if (at.length === 0 || at.length === answer.digits.length) return '';
  return ` (the ${at.length === 1 ? at[0] : `${at.slice(0, -1).join(', ')} and ${at[at.length - 1]}`} digit${at.length === 1 ? '' : 's'})`;
}

export function createView(root: ParentNode): WidgetView {
  const pad = needRole<HTMLCanvasElement>(root, 'pad');
  const hint = findRole(root, 'hint');
  const prediction = needRole(root, 'prediction');
  const confidence = needRole(root, 'confidence');
  const doubt = needRole(root, 'uncertain');
  const widget = pad.closest('.mw');
  const rows = Array.from(needRole(root, 'bars').children) as HTMLElement[]; // (K) one per digit
  const seen = findRole<HTMLCanvasElement>(root, 'seen'); // the 28×28 input: on the page only
  const source = needRole(root, 'source');
  const error = needRole(root, 'error');
  const compact = pad.closest('.mw--compact') !== null;
  const photoCanvas = needRole<HTMLCanvasElement>(root, 'photo');
  const marks = needRole<HTMLCanvasElement>(root, 'marks');
  const modeButtons = (['digit', 'number'] as const).map((m) => [m, findRole<HTMLButtonElement>(root, `mode-${m}`)] as const);
  let photoShown = false;

  function setBar(row: HTMLElement, p: number, text: string) {
    row.querySelector<HTMLElement>('[data-role="bar"]')!.style.setProperty('--p', String(p));
    row.querySelector('[data-role="bar-value"]')!.textContent = text;
  }

  return {
    pad,
    clearButton: needRole<HTMLButtonElement>(root, 'clear'),
    localSwitch: findRole<HTMLInputElement>(root, 'local'),
    compact,

    showAnswer(pixels, answer, inBrowser) {
      error.hidden = true;
      prediction.textContent = String(answer.digit);
      confidence.textContent = `${percent(answer.confidence)} confident`;
      doubt.textContent = answer.uncertain ? DOUBT_TEXT[answer.reason ?? 'low_confidence'] : '';
      doubt.hidden = !answer.uncertain;
      widget?.classList.toggle('is-uncertain', answer.uncertain);
      for (let k = 0; k < K; k++) {
        rows[k].classList.toggle('is-top', k === answer.digit);
        setBar(rows[k], answer.probabilities[k], percent(answer.probabilities[k]));
      }
      if (seen) drawPixels(seen, pixels);
      // the compact widget has no room for the 28×28 beside the bars: it goes in a corner of the photo
      if (photoShown && !seen) drawSeenInset(photoCanvas, pixels);
      // the widget shows the version's first 8 digits, like a short git hash; the page and the tooltip all 16
      const version = compact ? answer.model.version.slice(0, 8) : answer.model.version;
      source.textContent = `${inBrowser ? 'answered in your browser' : 'answered by the Worker'} (model v${version})`;
      source.title = `model ${answer.model.version}`;
    },

    showError(e) {
      error.textContent = explainError(e);
      error.hidden = false;
    },

    showCleared() {
      if (hint) hint.hidden = false;
      prediction.textContent = '';
      confidence.textContent = '';
      doubt.textContent = '';
      doubt.hidden = true;
      widget?.classList.remove('is-uncertain');
      for (const row of rows) {
        row.classList.remove('is-top');
        setBar(row, 0, '–');
      }
      if (seen) drawPixels(seen, null);
      clearMarks(marks);
      source.textContent = '';
      source.title = '';
      error.hidden = true;
    },

    hideHint() {
      if (hint) hint.hidden = true;
    },

    showPhoto(photo, crop) {
      if (hint) hint.hidden = true;
      photoCanvas.hidden = false;
      photoShown = true;
      drawPhoto(photoCanvas, photo, crop);
    },

    hidePhoto() {
      photoCanvas.hidden = true;
      photoShown = false;
    },

    showNumber(answer, at) {
      error.hidden = true;
      prediction.textContent = answer.text;
      const n = answer.digits.length;
      const least = Math.min(...answer.digits.map((d) => d.confidence));
      confidence.textContent = `${n} digit${n === 1 ? '' : 's'}${n ? `, the least sure ${percent(least)}` : ''}`;
      const doubtText = answer.reason ? NUMBER_DOUBT_TEXT[answer.reason] + (answer.reason === 'uncertain_digit' ? whichDigits(answer) : '') : NUMBER_DOUBT_TEXT.uncertain_digit;
      doubt.textContent = answer.uncertain ? doubtText : '';
      doubt.hidden = !answer.uncertain;
      widget?.classList.toggle('is-uncertain', answer.uncertain);
      drawMarks(marks, answer, at);
      const version = compact ? answer.model.version.slice(0, 8) : answer.model.version;
      source.textContent = `read by the Worker (model v${version})`;
      source.title = `model ${answer.model.version}`;
    },

    photoHidden: () => photoCanvas.hidden,
    clearMarks: () => clearMarks(marks),

    showNumberPhoto(photo) {
      if (hint) hint.hidden = true;
      photoCanvas.hidden = false;
      photoShown = true;
      return drawPhoto(photoCanvas, photo, null);
    },

    setMode(mode) {
      if (widget instanceof HTMLElement) widget.dataset.mode = mode;
      pad.setAttribute('aria-label', PAD_LABEL[mode]);
      photoCanvas.setAttribute('aria-label', mode === 'number' ? 'Your photo, each digit read outlined' : 'Your photo, the part the model read outlined');
      for (const [m, button] of modeButtons) button?.setAttribute('aria-pressed', String(m === mode));
    },
  };
}

// the widget's behaviour on markup from ../markup.ts: draw → preprocess (shared/) → classify on the
// worker or in the browser → show the digit, the ten probabilities and the 28×28 input; feedback.
// `root` is a document, an element or a shadow root: everything is looked up inside it.

import { K } from '../shared/dims';
import { ImageError } from '../shared/image/decoded';
import { ApiCallError, classifyRemote, loadLocalModel, sendFeedback, type Answer, type LocalModel } from './api';
import { createPad } from './pad';
import { drawPixels, pixelsFromInk, type Pixels } from './pixels';

export interface WidgetOptions {
  /** the worker's origin (and path prefix), without a trailing slash */
  endpoint: string;
}

export interface Widget {
  clear(): void;
  destroy(): void;
}

/**
 * how often a stroke in progress is classified (ms): live enough to watch the answer change, and at
 * most 4 requests a second so a visitor stays well inside the worker's per-address rate limit
 */
const LIVE_INTERVAL = 250;

const samePixels = (a: Pixels, b: Pixels) => a.length === b.length && a.every((v, i) => v === b[i]);

const pct = (p: number) => (p >= 0.9995 ? '100%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(1)}%`);

function describe(e: unknown): string {
  if (e instanceof ApiCallError) {
    if (e.code === 'model_unavailable') return 'The Worker has no model to answer with yet. Try again in a minute.';
    if (e.code === 'rate_limited') return 'Too many requests from your address; wait a minute and try again.';
    if (e.code === 'network_error') return `The Worker could not be reached: ${e.message}.`;
    return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
  return e instanceof Error ? e.message : String(e);
}

export function attachWidget(root: ParentNode, options: WidgetOptions): Widget {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const el = <T extends Element = HTMLElement>(role: string) => root.querySelector<T & Element>(`[data-role="${role}"]`) as T | null;
  const need = <T extends Element = HTMLElement>(role: string) => {
    const found = el<T>(role);
    if (!found) throw new Error(`mnist widget: the markup has no [data-role="${role}"]`);
    return found;
  };

  const canvas = need<HTMLCanvasElement>('pad');
  const hint = el('hint');
  const clearButton = need<HTMLButtonElement>('clear');
  const localSwitch = el<HTMLInputElement>('local');
  const prediction = need('prediction');
  const confidence = need('confidence');
  const rows = Array.from(need('bars').children) as HTMLElement[];
  const seen = el<HTMLCanvasElement>('seen');
  const compact = canvas.closest('.mw--compact') !== null;
  const source = need('source');
  const error = need('error');
  const feedback = need('feedback');
  const feedbackOpen = need<HTMLButtonElement>('feedback-open');
  const feedbackKeys = need('feedback-keys');
  const feedbackStatus = need('feedback-status');

  let generation = 0; // bumped by clear: answers to older drawings are dropped
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy = false;
  let again = false;
  let last: { pixels: Pixels; answer: Answer; inBrowser: boolean } | null = null;
  let local: Promise<LocalModel> | null = null;

  const pad = createPad(canvas, {
    onChange(done) {
      if (hint) hint.hidden = true;
      if (done) schedule(0);
      else if (timer === null) schedule(LIVE_INTERVAL);
    },
  });

  function schedule(delay: number) {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, delay);
  }

  async function run() {
    timer = null;
    if (busy) {
      again = true;
      return;
    }
    const drawn = pad.ink();
    if (!drawn) return;
    let pixels: Pixels;
    try {
      pixels = pixelsFromInk(drawn.ink, drawn.side);
    } catch (e) {
      if (e instanceof ImageError) return; // nothing visible yet
      throw e;
    }
    const inBrowser = localSwitch?.checked ?? false;
    // the stroke ended where the last live answer was taken: that answer stands
    if (last && last.inBrowser === inBrowser && samePixels(last.pixels, pixels)) return;
    const gen = generation;
    busy = true;
    try {
      const answer = inBrowser ? (await localModel()).classify(pixels) : await classifyRemote(endpoint, pixels);
      if (gen === generation) show(pixels, answer, inBrowser);
    } catch (e) {
      if (gen === generation) showError(e);
    } finally {
      busy = false;
      if (again) {
        again = false;
        schedule(0);
      }
    }
  }

  function localModel(): Promise<LocalModel> {
    local ??= loadLocalModel(endpoint).catch((e) => {
      local = null; // let the next attempt try again
      throw e;
    });
    return local;
  }

  function show(pixels: Pixels, answer: Answer, inBrowser: boolean) {
    const changed = last?.answer.digit !== answer.digit;
    last = { pixels, answer, inBrowser };
    error.hidden = true;
    prediction.textContent = String(answer.digit);
    confidence.textContent = `${pct(answer.confidence)} confident`;
    for (let k = 0; k < K; k++) {
      const p = answer.probabilities[k];
      const row = rows[k];
      row.classList.toggle('is-top', k === answer.digit);
      row.querySelector<HTMLElement>('[data-role="bar"]')!.style.setProperty('--p', String(p));
      row.querySelector('[data-role="bar-value"]')!.textContent = pct(p);
    }
    if (seen) drawPixels(seen, pixels);
    // the widget shows the version's first 8 digits, like a short git hash; the page and the tooltip all 16
    const version = compact ? answer.model.version.slice(0, 8) : answer.model.version;
    source.textContent = `${inBrowser ? 'answered in your browser' : 'answered by the Worker'} (model v${version})`;
    source.title = `model ${answer.model.version}`;
    feedback.hidden = false;
    if (changed) resetFeedback();
  }

  function showError(e: unknown) {
    error.textContent = describe(e);
    error.hidden = false;
  }

  function resetFeedback() {
    feedbackOpen.hidden = false;
    feedbackOpen.setAttribute('aria-expanded', 'false');
    feedbackKeys.hidden = true;
    feedbackStatus.textContent = '';
  }

  function clear() {
    generation++;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    again = false;
    last = null;
    pad.clear();
    if (hint) hint.hidden = false;
    prediction.textContent = '';
    confidence.textContent = '';
    for (const row of rows) {
      row.classList.remove('is-top');
      row.querySelector<HTMLElement>('[data-role="bar"]')!.style.setProperty('--p', '0');
      row.querySelector('[data-role="bar-value"]')!.textContent = '–';
    }
    if (seen) drawPixels(seen, null);
    source.textContent = '';
    source.title = '';
    error.hidden = true;
    feedback.hidden = true;
    resetFeedback();
  }

  async function submitFeedback(label: number) {
    if (!last) return;
    const { pixels, answer } = last;
    const keys = Array.from(feedbackKeys.querySelectorAll('button'));
    keys.forEach((b) => (b.disabled = true));
    try {
      await sendFeedback(endpoint, { pixels, label, predicted: answer.digit, modelVersion: answer.model.version });
      feedbackKeys.hidden = true;
      feedbackStatus.textContent = `Thanks! Saved as a ${label} for the next training run.`;
    } catch (e) {
      feedbackStatus.textContent = `Not saved: ${describe(e)}`;
    } finally {
      keys.forEach((b) => (b.disabled = false));
    }
  }

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
  const onLocal = async () => {
    if (localSwitch?.checked) {
      try {
        await localModel();
      } catch (e) {
        localSwitch.checked = false;
        showError(e);
        return;
      }
    }
    if (!pad.isEmpty()) schedule(0);
  };
  const onOpen = () => {
    const open = feedbackKeys.hidden;
    feedbackKeys.hidden = !open;
    feedbackOpen.setAttribute('aria-expanded', String(open));
    feedbackStatus.textContent = '';
    if (open) {
      feedbackOpen.hidden = compact; // no room for both rows in the widget
      feedbackKeys.querySelector('button')?.focus();
    }
  };
  const onKeyClick = (e: Event) => {
    const label = (e.target as HTMLElement).closest<HTMLElement>('[data-label]')?.dataset.label;
    if (label !== undefined) void submitFeedback(Number(label));
  };

  clearButton.addEventListener('click', onClear);
  canvas.addEventListener('keydown', onKey);
  localSwitch?.addEventListener('change', onLocal);
  feedbackOpen.addEventListener('click', onOpen);
  feedbackKeys.addEventListener('click', onKeyClick);
  clear();

  return {
    clear,
    destroy() {
      clear();
      pad.destroy();
      clearButton.removeEventListener('click', onClear);
      canvas.removeEventListener('keydown', onKey);
      localSwitch?.removeEventListener('change', onLocal);
      feedbackOpen.removeEventListener('click', onOpen);
      feedbackKeys.removeEventListener('click', onKeyClick);
    },
  };
}

// when to classify the drawing, and where. while a stroke is drawn: at most every LIVE_INTERVAL ms;
// when it ends: right away. one request at a time (a change meanwhile asks again once it is back);
// an answer to a drawing that was cleared since is dropped (generation); no request at all when the
// pixels are those of the answer on screen. in the browser (the model downloaded once) or on the Worker.

import { classifyRemote, loadLocalModel, type Answer, type LocalModel } from '../api';
import type { Pixels } from '../pixels';

/**
 * how often a stroke in progress is classified (ms): live enough to watch the answer change, and at
 * most 4 requests a second so a visitor stays well inside the worker's per-address rate limit
 */
export const LIVE_INTERVAL = 250;

export interface ClassifySchedulerOptions {
  endpoint: string;
  /** the drawing as the model's input, or null while there is nothing to classify */
  read(): Pixels | null;
  /** true: classify in the browser; false: ask the Worker. read as each request starts */
  inBrowser(): boolean;
  onAnswer(pixels: Pixels, answer: Answer, inBrowser: boolean): void;
  onError(e: unknown): void;
}

export interface ClassifyScheduler {
  /** the drawing changed; `done` once the stroke ended */
  drawingChanged(done: boolean): void;
  /** classify the drawing as it is now (the switch between browser and Worker moved) */
  classifyNow(): void;
  /** the drawing was cleared: drop answers still on their way and anything scheduled */
  reset(): void;
  /** the in-browser model, downloaded on first use (and again after a failed download) */
  localModel(): Promise<LocalModel>;
}

const samePixels = (a: Pixels, b: Pixels) => a.length === b.length && a.every((v, i) => v === b[i]);

export function createClassifyScheduler({ endpoint, read, inBrowser: classifyInBrowser, onAnswer, onError }: ClassifySchedulerOptions): ClassifyScheduler {
  let generation = 0; // bumped by reset: answers to older drawings are dropped
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy = false; // a request is in flight
  let again = false; // the drawing changed while it was
  let shown: { pixels: Pixels; inBrowser: boolean } | null = null; // what the answer on screen was about
  let local: Promise<LocalModel> | null = null;

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
    const pixels = read();
    if (!pixels) return;
    const inBrowser = classifyInBrowser();
    // the stroke ended where the last live answer was taken: that answer stands
    if (shown && shown.inBrowser === inBrowser && samePixels(shown.pixels, pixels)) return;
    const gen = generation;
    busy = true;
    try {
      const answer = inBrowser ? (await localModel()).classify(pixels) : await classifyRemote(endpoint, pixels);
      if (gen === generation) {
        shown = { pixels, inBrowser };
        onAnswer(pixels, answer, inBrowser);
      }
    } catch (e) {
      if (gen === generation) onError(e);
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

  return {
    drawingChanged(done) {
      if (done) schedule(0);
      else if (timer === null) schedule(LIVE_INTERVAL);
    },
    classifyNow: () => schedule(0),
    reset() {
      generation++;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      again = false;
      shown = null;
    },
    localModel,
  };
}

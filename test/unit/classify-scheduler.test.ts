import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../web/api';
import { createClassifyScheduler, LIVE_INTERVAL, type ClassifyScheduler } from '../../web/widget/classify-scheduler';
import { dotImage, handNetwork, modelFile } from '../worker/helpers/models';

// the widget's classify scheduler against a stand-in Worker (fetch) and mock timers: how many
// requests a drawing costs, and which answers reach the screen.

const VERSION = '0123456789abcdef';

/** a request the stand-in Worker holds until the test answers it */
interface Pending {
  url: string;
  pixels: number[];
  answer(digit: number): Promise<void>;
}

/** one test's world: what was asked, what reached the screen */
interface World {
  requests: Pending[];
  weightDownloads: number;
  drawing: number[] | null;
  inBrowser: boolean;
  shown: { digit: number; inBrowser: boolean }[];
  errors: unknown[];
  scheduler: ClassifyScheduler;
}

let w: World;

/** runs every callback already due (no network or disk here, so nothing is left pending) */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** lets `ms` of the scheduler's timers pass, then settles */
async function wait(ms: number) {
  vi.advanceTimersByTime(ms);
  await settle();
}

/** the part of a fetch Response the browser code reads */
const reply = (status: number, body: unknown) =>
  ({ ok: status < 300, status, json: async () => body, arrayBuffer: async () => body }) as unknown as Response;

const answerFor = (digit: number): Answer => ({
  digit,
  confidence: 0.9,
  probabilities: Array.from({ length: 10 }, (_, k) => (k === digit ? 0.9 : 0.1 / 9)),
  uncertain: false,
  reason: null,
  model: { version: VERSION },
});

beforeEach(async () => {
  const model = await modelFile(handNetwork()); // a lone lit pixel p reads as digit p
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const world: Omit<World, 'scheduler'> = { requests: [], weightDownloads: 0, drawing: null, inBrowser: false, shown: [], errors: [] };
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    if (url.endsWith('/model/weights')) {
      world.weightDownloads++;
      return Promise.resolve(reply(200, model.bytes.slice().buffer));
    }
    return new Promise<Response>((resolve) => {
      world.requests.push({
        url,
        pixels: JSON.parse(String(init?.body)).pixels,
        async answer(digit) {
          resolve(reply(200, answerFor(digit)));
          await settle();
        },
      });
    });
  });
  const scheduler = createClassifyScheduler({
    endpoint: 'https://worker.example',
    read: () => world.drawing,
    inBrowser: () => world.inBrowser,
    onAnswer: (_, answer, inBrowser) => world.shown.push({ digit: answer.digit, inBrowser }),
    onError: (e) => world.errors.push(e),
  });
  w = Object.assign(world, { scheduler });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the classify scheduler', () => {
  it('asks the Worker once for many moves within one live interval', async () => {
    w.drawing = dotImage(3);
    for (let i = 0; i < 10; i++) w.scheduler.drawingChanged(false);
    await wait(LIVE_INTERVAL - 1);
    expect(w.requests).toHaveLength(0);
    await wait(1);
    expect(w.requests.map((r) => r.url)).toEqual(['https://worker.example/classify']);
    expect(w.requests[0].pixels).toEqual(dotImage(3));
    await w.requests[0].answer(3);
    expect(w.shown).toEqual([{ digit: 3, inBrowser: false }]);
  });

  it('asks every live interval while a stroke goes on, not only when it pauses', async () => {
    let answered = 0;
    for (let t = 0; t < 20; t++) {
      // a one-second stroke: the pointer moves every 50 ms, and the Worker answers at once
      w.drawing = dotImage(t);
      w.scheduler.drawingChanged(false);
      await wait(50);
      while (answered < w.requests.length) await w.requests[answered++].answer(1);
    }
    expect(w.requests).toHaveLength(1000 / LIVE_INTERVAL);
  });

  it('asks right away when the stroke ends', async () => {
    w.drawing = dotImage(5);
    w.scheduler.drawingChanged(true);
    await wait(0);
    expect(w.requests).toHaveLength(1);
  });

  it('keeps one request in flight, and asks about the latest drawing once it is back', async () => {
    w.drawing = dotImage(1);
    w.scheduler.drawingChanged(true);
    await wait(0);
    w.drawing = dotImage(2);
    w.scheduler.drawingChanged(true);
    w.drawing = dotImage(4);
    w.scheduler.drawingChanged(true);
    await wait(LIVE_INTERVAL * 4);
    expect(w.requests).toHaveLength(1);
    await w.requests[0].answer(1);
    await wait(0);
    expect(w.requests).toHaveLength(2);
    expect(w.requests[1].pixels).toEqual(dotImage(4));
    await w.requests[1].answer(4);
    expect(w.shown.map((s) => s.digit)).toEqual([1, 4]);
  });

  it('drops the answer to a drawing that was cleared while it was on its way', async () => {
    w.drawing = dotImage(7);
    w.scheduler.drawingChanged(true);
    await wait(0);
    w.scheduler.reset();
    w.drawing = null;
    await w.requests[0].answer(7);
    await wait(0);
    expect(w.shown).toEqual([]);
    expect(w.requests).toHaveLength(1);
  });

  it('sends nothing when the drawing is the one the answer on screen is about', async () => {
    w.drawing = dotImage(6);
    w.scheduler.drawingChanged(false);
    await wait(LIVE_INTERVAL);
    await w.requests[0].answer(6);
    w.scheduler.drawingChanged(true); // the stroke ended where the live answer was taken
    await wait(0);
    expect(w.requests).toHaveLength(1);
    w.drawing = dotImage(8);
    w.scheduler.drawingChanged(true);
    await wait(0);
    expect(w.requests).toHaveLength(2);
  });

  it('classifies in the browser with the model downloaded once, without asking the Worker', async () => {
    w.drawing = dotImage(6);
    w.scheduler.drawingChanged(true);
    await wait(0);
    await w.requests[0].answer(6);
    // the switch: the widget downloads the model first, then asks again about the same drawing
    w.inBrowser = true;
    await w.scheduler.localModel();
    w.scheduler.classifyNow();
    await wait(0);
    w.drawing = dotImage(2);
    w.scheduler.drawingChanged(true);
    await wait(0);
    expect(w.shown).toEqual([
      { digit: 6, inBrowser: false },
      { digit: 6, inBrowser: true },
      { digit: 2, inBrowser: true },
    ]);
    expect(w.requests).toHaveLength(1);
    expect(w.weightDownloads).toBe(1);
    expect(w.errors).toEqual([]);
  });

  it('shows a failed request as an error, and asks again on the next change', async () => {
    vi.stubGlobal('fetch', async () => reply(429, { error: { code: 'rate_limited', message: 'slow down' } }));
    w.drawing = dotImage(1);
    w.scheduler.drawingChanged(true);
    await wait(0);
    expect(w.errors).toMatchObject([{ code: 'rate_limited', status: 429, message: 'slow down' }]);
    w.drawing = dotImage(2);
    w.scheduler.drawingChanged(true);
    await wait(0);
    expect(w.errors).toHaveLength(2);
    expect(w.shown).toEqual([]);
  });
});

import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/model/format';
import { createPredictor } from '../../shared/model/predict';
import { createModelLoader, refreshMsFrom, type LoadedModel, type ModelLoader } from '../../worker/model-loader';
import { expectError } from './helpers/http';
import { workerWith } from './helpers/fresh-worker';
import { clearKv, faultyKv, type FaultyKv } from './helpers/kv';
import {
  dotImage, handNetwork, modelFile, pointTo, publish, putModel, truncated, withBadChecksum, withNaNWeights, type ModelFile,
} from './helpers/models';
import { ATTACK_PIXEL, hugeInt8Model, justTooSlowModel, overflowingModel, overflowingUnitModel } from './helpers/unfit-models';

// the loader on a fresh isolate's worth of state per test, through the app's handlers
// (createApp(loader).request) with the real KV binding wrapped to count reads and inject faults.

const MINUTE = 60_000;
/** the loader's wait after a failed first load (its default) */
const RETRY_MS = 5_000;

let clock: number;
let loader: ModelLoader;
let store: FaultyKv;
let logs: string[];
let good: ModelFile; // answers digit p for pixel p
let shifted: ModelFile; // answers digit p + 1

beforeEach(async () => {
  await clearKv(env.MODELS);
  clock = Date.parse('2026-11-29T12:00:00Z');
  logs = [];
  loader = createModelLoader({ now: () => clock, log: (m) => logs.push(m) });
  store = faultyKv(env.MODELS);
  good ??= await modelFile(handNetwork(0));
  shifted ??= await modelFile(handNetwork(1));
});

/** one request through the app with this test's loader and KV; background refreshes finish before it returns */
const request = (path: string, init?: RequestInit) => workerWith(loader, { MODELS: store.kv, MODEL_REFRESH_SECONDS: '60' })(path, init);

const classify = (pixel: number) =>
  request('/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pixels: dotImage(pixel) }) });

async function answer(pixel: number): Promise<{ digit: number; version: string }> {
  const res = await classify(pixel);
  expect(res.status).toBe(200);
  const body = await res.json<any>();
  return { digit: body.digit, version: body.model.version };
}

describe('a pointer to a bad model, with nothing good loaded before', () => {
  const cases: [string, () => Promise<void>, RegExp][] = [
    ['a checksum mismatch', async () => { const bad = withBadChecksum(good); await putModel(env.MODELS, bad); await pointTo(env.MODELS, bad.version); }, /checksum does not match/],
    ['a truncated file', async () => { const bad = truncated(good); await putModel(env.MODELS, bad); await pointTo(env.MODELS, bad.version); }, /truncated/],
    ['NaN weights under a valid checksum', async () => { await publish(env.MODELS, await withNaNWeights()); }, /parameter 7853 is NaN/],
    ['a version that was never uploaded', async () => { await pointTo(env.MODELS, '0123456789abcdef'); }, /models\/0123456789abcdef is missing/],
    ['another model stored under its key', async () => { await putModel(env.MODELS, shifted, good.version); await pointTo(env.MODELS, good.version); }, /holds model [0-9a-f]{16}, not [0-9a-f]{16}/],
    ['a pointer that is not JSON', async () => { await env.MODELS.put('pointer/current', 'not json'); }, /pointer\/current is not a valid pointer/],
  ];
  for (const [what, arrange, reason] of cases) {
    it(`answers 503 model_unavailable with Retry-After for ${what}`, async () => {
      await arrange();
      const res = await classify(1);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await expectError(res, 503, 'model_unavailable')).toMatch(reason);
      expect(logs.join('\n')).toMatch(reason);
    });
  }

  it('answers 503, not 500, when reading KV throws', async () => {
    await publish(env.MODELS, good);
    store.mode = 'throw';
    expect(await expectError(await classify(1), 503, 'model_unavailable')).toMatch(/reading pointer\/current from KV failed/);
  });

  it('answers 503 when the first load hangs past the timeout, instead of hanging the request', async () => {
    loader = createModelLoader({ now: () => clock, log: (m) => logs.push(m), timeoutMs: 20 });
    await publish(env.MODELS, good);
    store.mode = 'hang';
    expect(await expectError(await classify(1), 503, 'model_unavailable')).toMatch(/loading the model took longer than 20 ms/);
  });

  it('falls back to the newest good previous model, and /readyz says it is stale', async () => {
    await putModel(env.MODELS, good);
    const bad = withBadChecksum(shifted);
    await putModel(env.MODELS, bad);
    await pointTo(env.MODELS, bad.version, ['fedcba9876543210', good.version]);
    expect(await answer(4)).toEqual({ digit: 4, version: good.version });
    expect((await request('/healthz')).status).toBe(200);
    const message = await expectError(await request('/readyz'), 503, 'model_stale');
    expect(message).toMatch(new RegExp(`serving ${good.version}, not the current model ${bad.version}`));
    expect(message).toMatch(/models\/fedcba9876543210 is missing/);
  });
});

describe('loading once', () => {
  it('shares one KV load between concurrent first requests', async () => {
    await publish(env.MODELS, good);
    const loads = await Promise.all(Array.from({ length: 20 }, () => loader.get(store.kv, MINUTE, () => {})));
    expect(new Set(loads).size).toBe(1);
    expect(store.reads).toEqual(['pointer/current', `models/${good.version}`]);
  });

  it('keeps the decoded model: later requests read nothing from KV within the refresh interval', async () => {
    await publish(env.MODELS, good);
    for (let i = 0; i < 5; i++) {
      expect(await answer(i)).toEqual({ digit: i, version: good.version });
      clock += 10_000;
    }
    expect(store.reads).toEqual(['pointer/current', `models/${good.version}`]);
  });

  it('tries again once the retry wait after a failed load is over', async () => {
    await expectError(await classify(2), 503, 'model_unavailable');
    await publish(env.MODELS, good);
    clock += RETRY_MS - 1;
    await expectError(await classify(2), 503, 'model_unavailable');
    clock += 1;
    expect(await answer(2)).toEqual({ digit: 2, version: good.version });
  });
});

describe('a failed load, retried at most once per retry wait', () => {
  it('costs 5 KV reads per wait with a bad pointer and 3 bad previous versions, not 5 per request', async () => {
    await pointTo(env.MODELS, '0123456789abcdef', ['0123456789abcde0', '0123456789abcde1', '0123456789abcde2']);
    const oneLoad = ['pointer/current', ...['0123456789abcdef', '0123456789abcde0', '0123456789abcde1', '0123456789abcde2'].map((v) => `models/${v}`)];
    for (let i = 0; i < 100; i++) {
      const res = await request('/healthz');
      expect(res.headers.get('retry-after')).toBe('10');
      await expectError(res, 503, 'model_unavailable');
      clock += 40; // 100 requests over 4 s
    }
    expect(store.reads).toEqual(oneLoad);
    clock += RETRY_MS;
    await expectError(await request('/healthz'), 503, 'model_unavailable');
    expect(store.reads).toEqual([...oneLoad, ...oneLoad]);
  });

  it('answers the waiting requests with the reason of the failed load', async () => {
    await pointTo(env.MODELS, '0123456789abcdef');
    await expectError(await classify(1), 503, 'model_unavailable');
    expect(await expectError(await classify(1), 503, 'model_unavailable')).toMatch(/models\/0123456789abcdef is missing/);
    expect(store.reads).toHaveLength(2);
  });

  it('does not hold back a background refresh once a model is loaded', async () => {
    await publish(env.MODELS, good);
    await answer(1);
    store.mode = 'throw';
    clock += MINUTE;
    await answer(1);
    store.mode = 'ok';
    await publish(env.MODELS, shifted, [good.version]);
    clock += MINUTE;
    await answer(1);
    expect(await answer(1)).toEqual({ digit: 2, version: shifted.version });
  });
});

describe('models that decode but must not be served', () => {
  const unfit: [string, () => Promise<ModelFile>, RegExp][] = [
    ['an int8 784-4096-4096-10 model (19 MiB)', hugeInt8Model, /does not fit a Worker's CPU and memory budget: the file is 20,098,652 bytes \(limit 1,310,720\)/],
    ['a 784-331-10 model, just over the multiply-add budget', justTooSlowModel, /\(784-331-10\) does not fit a Worker's CPU and memory budget: .*262,814 multiply-adds per image \(limit 262,144\)/],
    ['weights of 3e38, finite but overflowing', overflowingModel, /cannot be served: for some pixels in 0\.\.255, hidden unit 0 of layer 1 can reach 2\.35e\+41/],
    ['one hidden unit at ±3e38, which passes the probe images', overflowingUnitModel, /cannot be served: for some pixels in 0\.\.255, hidden unit 0 of layer 1 can reach 6\.00e\+38/],
  ];
  const built = new Map<string, Promise<ModelFile>>(); // each file is built once: the 19 MiB one takes a while
  for (const [what, build, reason] of unfit) {
    const make = () => built.get(what) ?? built.set(what, build()).get(what)!;
    it(`refuses ${what} like a corrupt one: 503 with nothing else, the previous good model as a fallback`, async () => {
      const bad = await make();
      await publish(env.MODELS, bad);
      expect(await expectError(await classify(1), 503, 'model_unavailable')).toMatch(reason);
      loader = createModelLoader({ now: () => clock, log: (m) => logs.push(m) }); // a fresh isolate
      await putModel(env.MODELS, good);
      await pointTo(env.MODELS, bad.version, [good.version]);
      expect(await answer(4)).toEqual({ digit: 4, version: good.version });
      expect(logs.join('\n')).toMatch(reason);
    });

    it(`keeps serving the last good model when the pointer moves to ${what}`, async () => {
      await publish(env.MODELS, good);
      await answer(3);
      await publish(env.MODELS, await make(), [good.version]);
      clock += MINUTE;
      await answer(3);
      expect(await answer(3)).toEqual({ digit: 3, version: good.version });
      expect(logs.join('\n')).toMatch(new RegExp(`keeping ${good.version}: .*${reason.source}`));
    });
  }

  it('never answers 200 with a non-finite probability, even from a model that got past the load gate', async () => {
    // the attack model put straight into a loader, as if the bound had missed it: the answer-time guard is all that is left
    const model = await decodeModel((await overflowingUnitModel()).bytes);
    const loaded: LoadedModel = { model, predictor: createPredictor(model.network), file: new Uint8Array(0), measured: null, loadedAt: new Date(clock).toISOString() };
    const past: ModelLoader = { get: async () => loaded, status: () => ({ current: loaded, pointerVersion: model.version, checkedAt: clock, lastError: null }) };
    const worker = workerWith(past, { MODELS: store.kv });
    const post = (path: string, body: unknown) => worker(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const single = await post('/classify', { pixels: dotImage(ATTACK_PIXEL) });
    expect(single.headers.get('retry-after')).toBe('60');
    expect(await expectError(single, 503, 'model_unavailable')).toMatch(new RegExp(`the model ${model.version} cannot answer this image`));
    await expectError(await post('/classify/batch', { images: [dotImage(3), dotImage(ATTACK_PIXEL)] }), 503, 'model_unavailable');
    const fine = await post('/classify', { pixels: dotImage(3) });
    expect(fine.status).toBe(200); // the guard costs honest images nothing
    expect((await fine.json<any>()).digit).toBe(3);
  });
});

describe('refreshing', () => {
  it('picks up a new model only after the refresh interval', async () => {
    await publish(env.MODELS, good);
    expect(await answer(3)).toEqual({ digit: 3, version: good.version });
    await publish(env.MODELS, shifted, [good.version]);
    clock += MINUTE - 1;
    expect(await answer(3)).toEqual({ digit: 3, version: good.version });
    clock += 1;
    // this request starts the refresh and is answered by the model it found; the next one sees the new model
    expect(await answer(3)).toEqual({ digit: 3, version: good.version });
    expect(await answer(3)).toEqual({ digit: 4, version: shifted.version });
    expect(logs.join('\n')).toContain(`now serving ${shifted.version} (was ${good.version})`);
    expect((await request('/readyz')).status).toBe(200);
  });

  it('re-reads only the small pointer while the current model is unchanged', async () => {
    await publish(env.MODELS, good);
    await answer(1);
    clock += MINUTE;
    await answer(1);
    clock += MINUTE;
    await answer(1);
    expect(store.reads).toEqual(['pointer/current', `models/${good.version}`, 'pointer/current', 'pointer/current']);
  });

  const corruptions: [string, () => Promise<ModelFile | string>, RegExp][] = [
    ['a checksum mismatch', async () => withBadChecksum(shifted), /checksum/],
    ['a truncated upload', async () => truncated(shifted), /truncated/],
    ['NaN weights', withNaNWeights, /NaN/],
    ['a version never uploaded', async () => '0123456789abcdef', /is missing/],
  ];
  for (const [what, make, reason] of corruptions) {
    it(`keeps serving the last good model when the pointer moves to ${what}`, async () => {
      await publish(env.MODELS, good);
      expect(await answer(5)).toEqual({ digit: 5, version: good.version });
      const bad = await make();
      if (typeof bad === 'string') await pointTo(env.MODELS, bad, [good.version]);
      else await publish(env.MODELS, bad, [good.version]);
      for (let i = 0; i < 3; i++) {
        clock += MINUTE;
        expect(await answer(5)).toEqual({ digit: 5, version: good.version });
      }
      expect(logs.join('\n')).toMatch(new RegExp(`keeping ${good.version}: .*${reason.source}`));
      expect((await request('/healthz')).status).toBe(200);
      await expectError(await request('/readyz'), 503, 'model_stale');
    });
  }

  it('never answers 5xx once a model is loaded, even when every KV read throws', async () => {
    await publish(env.MODELS, good);
    await answer(8);
    store.mode = 'throw';
    for (let i = 0; i < 5; i++) {
      clock += MINUTE;
      expect(await answer(8)).toEqual({ digit: 8, version: good.version });
      expect((await request('/model')).status).toBe(200);
    }
    expect(logs.join('\n')).toMatch(/keeping .*reading pointer\/current from KV failed/);
  });

  it('does not make a request wait for a refresh when KV hangs', async () => {
    await publish(env.MODELS, good);
    await answer(9);
    store.mode = 'hang';
    clock += MINUTE;
    const waitUntil: Promise<unknown>[] = [];
    const loaded = await loader.get(store.kv, MINUTE, (p) => waitUntil.push(p));
    expect(loaded.model.version).toBe(good.version);
    expect(waitUntil).toHaveLength(1); // the refresh was started, in the background
    // and only one at a time: a second request during the hung refresh starts no other
    await loader.get(store.kv, MINUTE, (p) => waitUntil.push(p));
    expect(waitUntil).toHaveLength(1);
  });

  it('gives up on a hung refresh after the timeout, so a later one can pick up a new model', async () => {
    loader = createModelLoader({ now: () => clock, log: (m) => logs.push(m), timeoutMs: 20 });
    await publish(env.MODELS, good);
    await answer(9);
    store.mode = 'hang';
    clock += MINUTE;
    expect(await answer(9)).toEqual({ digit: 9, version: good.version });
    expect(logs.join('\n')).toMatch(/keeping .*: reading the pointer took longer than 20 ms/);
    store.mode = 'ok';
    await publish(env.MODELS, shifted, [good.version]);
    clock += MINUTE;
    await answer(9);
    expect(await answer(9)).toEqual({ digit: 0, version: shifted.version });
  });

  it('recovers when a corrupt upload is replaced by a good one', async () => {
    await publish(env.MODELS, good);
    await answer(0);
    const bad = withBadChecksum(shifted);
    await publish(env.MODELS, bad, [good.version]);
    clock += MINUTE;
    await answer(0);
    await putModel(env.MODELS, shifted); // the same version re-uploaded whole
    clock += MINUTE;
    await answer(0);
    expect(await answer(0)).toEqual({ digit: 1, version: shifted.version });
  });
});

describe('MODEL_REFRESH_SECONDS', () => {
  it('is read as seconds, with a minute for anything unusable', () => {
    expect(refreshMsFrom('0')).toBe(0);
    expect(refreshMsFrom('1')).toBe(1000);
    expect(refreshMsFrom('2.5')).toBe(2500);
    expect(refreshMsFrom(undefined)).toBe(MINUTE);
    expect(refreshMsFrom('')).toBe(MINUTE);
    expect(refreshMsFrom('soon')).toBe(MINUTE);
    expect(refreshMsFrom('-5')).toBe(MINUTE);
  });
});

import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createModelLoader, type ModelLoader } from '../../worker/model-loader';
import { workerWith } from './helpers/fresh-worker';
import { expectError } from './helpers/http';
import { clearKv, faultyKv, type FaultyKv } from './helpers/kv';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// a worker whose KV holds no model yet: every model route is a 503 with Retry-After, input errors
// are still 400s, and the first upload is served once the failed load's retry wait is over.
// each test has an isolate's worth of loader state, an empty KV and its own clock, so they run in any order.

const RETRY_MS = 5_000;

let clock: number;
let loader: ModelLoader;
let store: FaultyKv;

beforeEach(async () => {
  await clearKv(env.MODELS);
  clock = Date.parse('2026-11-29T12:00:00Z');
  loader = createModelLoader({ now: () => clock, log: () => {}, retryMs: RETRY_MS });
  store = faultyKv(env.MODELS);
});

const request = (path: string, init?: RequestInit) => workerWith(loader, { MODELS: store.kv })(path, init);

const postJson = (path: string, body: unknown) => request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('before any model is uploaded', () => {
  for (const path of ['/healthz', '/readyz', '/model', '/model/weights']) {
    it(`GET ${path} answers 503 model_unavailable with Retry-After`, async () => {
      const res = await request(path);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await expectError(res, 503, 'model_unavailable')).toMatch(/no model has been uploaded \(pointer\/current is missing\)/);
    });
  }

  it('POST /classify answers 503 model_unavailable with Retry-After and CORS', async () => {
    const res = await postJson('/classify', { pixels: dotImage(1) });
    expect(res.headers.get('retry-after')).toBe('10');
    await expectError(res, 503, 'model_unavailable');
  });

  it('POST /classify/batch answers 503 too', async () => {
    await expectError(await postJson('/classify/batch', { images: [dotImage(1)] }), 503, 'model_unavailable');
  });

  it('still answers 400 for invalid input: the client can fix that now', async () => {
    await expectError(await postJson('/classify', { pixels: [1] }), 400, 'invalid_input');
  });

  it('still serves /openapi.json and /docs', async () => {
    expect((await request('/openapi.json')).status).toBe(200);
    expect((await request('/docs')).status).toBe(200);
  });

  it('serves the first model on the first request after the retry wait', async () => {
    await expectError(await request('/healthz'), 503, 'model_unavailable');
    const model = await modelFile(handNetwork());
    await publish(env.MODELS, model);
    clock += RETRY_MS - 1;
    await expectError(await postJson('/classify', { pixels: dotImage(6) }), 503, 'model_unavailable');
    clock += 1;
    const res = await postJson('/classify', { pixels: dotImage(6) });
    expect(res.status).toBe(200);
    expect(await res.json<any>()).toMatchObject({ digit: 6, model: { version: model.version } });
  });

  it('reads KV once per retry wait, however many requests arrive in between', async () => {
    for (let i = 0; i < 100; i++) await expectError(await request('/healthz'), 503, 'model_unavailable');
    expect(store.reads).toEqual(['pointer/current']);
    clock += RETRY_MS;
    for (let i = 0; i < 100; i++) await expectError(await request('/healthz'), 503, 'model_unavailable');
    expect(store.reads).toEqual(['pointer/current', 'pointer/current']);
  });
});

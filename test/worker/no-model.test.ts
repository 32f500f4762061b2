import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectError } from './helpers/http';
import { freshWorker, postJsonTo, type Fetch } from './helpers/fresh-worker';
import { clearKv } from './helpers/kv';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// a worker whose KV holds no model yet: every model route is a 503 with Retry-After, input errors
// are still 400s, and the first upload is served on the next request. each test starts from an
// empty KV and a worker that has never loaded a model, so the tests pass in any order.

let worker: Fetch;

beforeEach(async () => {
  await clearKv(env.MODELS);
  worker = freshWorker();
});

describe('before any model is uploaded', () => {
  for (const path of ['/healthz', '/readyz', '/model', '/model/weights']) {
    it(`GET ${path} answers 503 model_unavailable with Retry-After`, async () => {
      const res = await worker(path);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await expectError(res, 503, 'model_unavailable')).toMatch(/no model has been uploaded \(pointer\/current is missing\)/);
    });
  }

  it('POST /classify answers 503 model_unavailable with Retry-After and CORS', async () => {
    const res = await postJsonTo(worker, '/classify', { pixels: dotImage(1) });
    expect(res.headers.get('retry-after')).toBe('10');
    await expectError(res, 503, 'model_unavailable');
  });

  it('POST /classify/batch answers 503 too', async () => {
    await expectError(await postJsonTo(worker, '/classify/batch', { images: [dotImage(1)] }), 503, 'model_unavailable');
  });

  it('still answers 400 for invalid input: the client can fix that now', async () => {
    await expectError(await postJsonTo(worker, '/classify', { pixels: [1] }), 400, 'invalid_input');
  });

  it('still serves /openapi.json and /docs', async () => {
    expect((await worker('/openapi.json')).status).toBe(200);
    expect((await worker('/docs')).status).toBe(200);
  });

  it('serves the first model on the very next request after it is uploaded', async () => {
    await expectError(await postJsonTo(worker, '/classify', { pixels: dotImage(6) }), 503, 'model_unavailable');
    const model = await modelFile(handNetwork());
    await publish(env.MODELS, model);
    const res = await postJsonTo(worker, '/classify', { pixels: dotImage(6) });
    expect(res.status).toBe(200);
    expect(await res.json<any>()).toMatchObject({ digit: 6, model: { version: model.version } });
  });
});

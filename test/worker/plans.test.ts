import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import worker, { createApp } from '../../worker/index';
import { LIMITS } from '../../shared/limits';
import { createModelLoader } from '../../worker/model-loader';
import { ORIGIN } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';
import { encodePng } from './helpers/png';

// WORKERS_PLAN picks the limits: the free plan's by default (wrangler.toml), the paid plan's larger ones on request.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

function batch(n: number): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(n * D).fill(1) };
}

describe('WORKERS_PLAN', () => {
  it('paid accepts the batches and images the free plan refuses', async () => {
    const n = LIMITS.paid.batchImages;
    expect(n).toBeGreaterThan(LIMITS.free.batchImages);
    const free = await worker.fetch(new Request(`${ORIGIN}/classify/batch`, batch(n)), { ...env, WORKERS_PLAN: 'free' }, ctx);
    expect(free.status).toBe(413);
    const paid = await worker.fetch(new Request(`${ORIGIN}/classify/batch`, batch(n)), { ...env, WORKERS_PLAN: 'paid' }, ctx);
    expect(paid.status).toBe(200);
    expect((await paid.json<any>()).results).toHaveLength(n);

    const side = LIMITS.free.imageSide + 1;
    const gray = new Array(side * side).fill(255);
    for (let i = 0; i < side; i++) gray[i * side + i] = 0; // a diagonal stroke
    const png = await encodePng(side, side, gray);
    const post = (plan: string) => worker.fetch(new Request(`${ORIGIN}/classify`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png }), { ...env, WORKERS_PLAN: plan }, ctx);
    expect((await post('free')).status).toBe(413);
    expect((await post('paid')).status).toBe(200);
  });

  it('anything but "paid" means the free plan', async () => {
    const res = await worker.fetch(new Request(`${ORIGIN}/classify/batch`, batch(LIMITS.free.batchImages + 1)), { ...env, WORKERS_PLAN: 'enterprise' }, ctx);
    expect(res.status).toBe(413);
  });

  it("documents each plan's limits in its OpenAPI document", async () => {
    for (const plan of ['free', 'paid'] as const) {
      const app = createApp(createModelLoader(), LIMITS[plan]);
      const doc = await (await app.request('/openapi.json', {}, env)).json<any>();
      expect(doc.components.schemas.BatchJson.properties.images.maxItems).toBe(LIMITS[plan].batchImages);
      expect(doc.paths['/classify'].post.description).toContain(`(${plan} plan)`);
      expect(doc.paths['/classify'].post.description).toContain(`${LIMITS[plan].imageSide}×${LIMITS[plan].imageSide} px`);
    }
  });

  it('answers the same classification whichever plan', async () => {
    const body = JSON.stringify({ pixels: dotImage(4) });
    const init = () => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const free = await (await worker.fetch(new Request(`${ORIGIN}/classify`, init()), { ...env, WORKERS_PLAN: 'free' }, ctx)).json<any>();
    const paid = await (await worker.fetch(new Request(`${ORIGIN}/classify`, init()), { ...env, WORKERS_PLAN: 'paid' }, ctx)).json<any>();
    expect(paid).toEqual(free);
    expect(free.digit).toBe(4);
  });
});

import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/index';
import { createModelLoader } from '../../worker/model-loader';
import { call, expectError, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// CLASSIFY_LIMITER from wrangler.toml (120 requests per 60 s per client IP), simulated by miniflare.

const LIMIT = 120;

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const classifyFrom = (ip: string) => postJson('/classify', { pixels: dotImage(1) }, { 'CF-Connecting-IP': ip });

describe('rate limiting per client IP', () => {
  it(`allows ${LIMIT} classifications a minute, then answers 429 rate_limited with Retry-After`, async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await classifyFrom('203.0.113.7');
      expect(res.status, `request ${i + 1}`).toBe(200);
      await res.arrayBuffer();
    }
    const res = await classifyFrom('203.0.113.7');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await expectError(res, 429, 'rate_limited')).toMatch(/too many requests/);
  });

  it('counts each address on its own', async () => {
    expect((await classifyFrom('198.51.100.1')).status).toBe(200);
  });

  it('leaves health and docs unlimited', async () => {
    expect((await call('/healthz', { headers: { 'CF-Connecting-IP': '203.0.113.7' } })).status).toBe(200);
  });

  it('limits the batch route too', async () => {
    const res = await postJson('/classify/batch', { images: [dotImage(1)] }, { 'CF-Connecting-IP': '203.0.113.7' });
    await expectError(res, 429, 'rate_limited');
  });

  it('does not limit loopback addresses, which only wrangler dev sends', async () => {
    for (const ip of ['127.0.0.1', '::1']) {
      for (let i = 0; i < LIMIT + 5; i++) {
        const res = await classifyFrom(ip);
        expect(res.status, `${ip} request ${i + 1}`).toBe(200);
        await res.arrayBuffer();
      }
    }
  });

  it('is skipped when the binding is absent', async () => {
    const app = createApp(createModelLoader());
    const noLimiter = { MODELS: env.MODELS };
    for (let i = 0; i < LIMIT + 5; i++) {
      const res = await app.request(
        '/classify',
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.9' }, body: JSON.stringify({ pixels: dotImage(2) }) },
        noLimiter,
      );
      expect(res.status).toBe(200);
    }
  });
});


import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/index';
import { createModelLoader } from '../../worker/model-loader';
import { FEEDBACK_KEY_PATTERN, FEEDBACK_PREFIX, type FeedbackRecord } from '../../shared/feedback';
import { FEEDBACK_LIMIT } from '../../worker/feedback';
import { call, expectError, postJson } from './helpers/http';

// POST /feedback: validated like /classify, stored in the FEEDBACK namespace under
// feedback/<day>/<random>, nothing about the sender kept.

/** a vertical bar, as the widget would send a "1" */
function bar(value = 255): number[] {
  const img = new Array(784).fill(0);
  for (let y = 4; y < 24; y++) img[y * 28 + 14] = value;
  return img;
}

async function stored(id: string): Promise<{ record: FeedbackRecord; metadata: unknown }> {
  const { value, metadata } = await env.FEEDBACK.getWithMetadata(id, 'text');
  expect(value, `${id} is stored`).not.toBeNull();
  return { record: JSON.parse(value!), metadata };
}

describe('POST /feedback', () => {
  it('stores the pixels and labels under feedback/<today>/<random id> and answers 201 with the key', async () => {
    const before = new Date().toISOString().slice(0, 10);
    const res = await postJson('/feedback', { pixels: bar(), label: 7, predicted: 1, modelVersion: '3f2a9c0d1e4b5a67' });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json<{ id: string; label: number }>();
    expect(body.label).toBe(7);
    expect(body.id).toMatch(FEEDBACK_KEY_PATTERN);
    const day = body.id.split('/')[1];
    expect([before, new Date().toISOString().slice(0, 10)]).toContain(day);

    const { record, metadata } = await stored(body.id);
    expect(record).toEqual({ format: 1, pixels: bar(), label: 7, predicted: 1, modelVersion: '3f2a9c0d1e4b5a67', createdAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(record.createdAt))).toBe(false);
    expect(metadata).toEqual({ label: 7, predicted: 1 });
    const listed = await env.FEEDBACK.list({ prefix: FEEDBACK_PREFIX });
    expect(listed.keys.map((k) => k.name)).toContain(body.id);
  });

  it('gives every report its own key', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await (await postJson('/feedback', { pixels: bar(), label: 1 })).json<any>()).id));
    expect(new Set(ids).size).toBe(3);
  });

  it('takes 28 rows of 28 and fractional values like /classify, and stores whole numbers', async () => {
    const grid = Array.from({ length: 28 }, (_, y) => bar(200.6).slice(y * 28, y * 28 + 28));
    const res = await postJson('/feedback', { pixels: grid, label: 1 });
    expect(res.status).toBe(201);
    const { record } = await stored((await res.json<any>()).id);
    expect(record.pixels).toEqual(bar(201));
    expect(record.predicted).toBeNull();
    expect(record.modelVersion).toBeNull();
  });

  it('keeps nothing about the sender: no address, no user agent', async () => {
    const res = await postJson('/feedback', { pixels: bar(), label: 4 }, { 'CF-Connecting-IP': '192.0.2.44', 'User-Agent': 'UniqueAgent/9.9' });
    const { id } = await res.json<any>();
    const raw = await env.FEEDBACK.get(id, 'text');
    expect(raw).not.toContain('192.0.2.44');
    expect(raw).not.toContain('UniqueAgent');
    expect(Object.keys(JSON.parse(raw!)).sort()).toEqual(['createdAt', 'format', 'label', 'modelVersion', 'pixels', 'predicted']);
  });

  it.each([
    ['a label that is not a digit', { pixels: bar(), label: 10 }, /label must be a digit 0\.\.9 \(got 10\)/],
    ['a fractional label', { pixels: bar(), label: 2.5 }, /label must be a digit/],
    ['no label', { pixels: bar() }, /label is required/],
    ['783 pixels', { pixels: bar().slice(1), label: 3 }, /pixels must have 784 values, got 783/],
    ['a pixel above 255', { pixels: bar(300), label: 3 }, /= 300 is outside 0\.\.255/],
    ['a bad predicted digit', { pixels: bar(), label: 3, predicted: -1 }, /predicted must be a digit/],
    ['a model version that is not one', { pixels: bar(), label: 3, modelVersion: 'latest' }, /modelVersion must be 16 hex digits/],
    ['an unknown field', { pixels: bar(), label: 3, ip: '1.2.3.4' }, /unknown field "ip"/],
  ])('answers 400 invalid_input for %s, naming the field', async (_, body, message) => {
    expect(await expectError(await postJson('/feedback', body), 400, 'invalid_input')).toMatch(message);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    await expectError(await postJson('/feedback', '{"label": 3,'), 400, 'invalid_json');
  });

  it('answers 422 no_digit for a blank image, and stores nothing', async () => {
    const before = (await env.FEEDBACK.list({ prefix: FEEDBACK_PREFIX })).keys.length;
    expect(await expectError(await postJson('/feedback', { pixels: new Array(784).fill(0), label: 0 }), 422, 'no_digit')).toMatch(/every pixel is 0/);
    expect((await env.FEEDBACK.list({ prefix: FEEDBACK_PREFIX })).keys.length).toBe(before);
  });

  it('answers 415 for other content types and 413 past the size limit', async () => {
    await expectError(await call('/feedback', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'label=3' }), 415, 'unsupported_media_type');
    const padded = JSON.stringify({ pixels: bar(), label: 3 }).replace('{', '{' + ' '.repeat(FEEDBACK_LIMIT));
    await expectError(await postJson('/feedback', padded), 413, 'body_too_large');
  });

  it('answers 405 with Allow for GET', async () => {
    const res = await call('/feedback');
    expect(res.headers.get('allow')).toContain('POST');
    await expectError(res, 405, 'method_not_allowed');
  });

  it('has a per-address budget of its own: 10 posts a minute, counted whether they are valid or not', async () => {
    const from = (ip: string) => postJson('/feedback', {}, { 'CF-Connecting-IP': ip });
    for (let i = 0; i < 10; i++) expect((await from('198.51.100.99')).status, `request ${i + 1}`).toBe(400);
    const res = await from('198.51.100.99');
    expect(res.headers.get('retry-after')).toBe('60');
    await expectError(res, 429, 'rate_limited');
    // classification from the same address draws on the other budget
    const classify = await postJson('/classify', { pixels: bar() }, { 'CF-Connecting-IP': '198.51.100.99' });
    expect(classify.status).not.toBe(429);
  });

  it('answers 503 feedback_unavailable when the deployment has no FEEDBACK namespace', async () => {
    const app = createApp(createModelLoader());
    const res = await app.request('/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pixels: bar(), label: 1 }) }, { ...env, FEEDBACK: undefined });
    expect(await expectError(res, 503, 'feedback_unavailable')).toMatch(/FEEDBACK/);
  });
});

import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D, K } from '../../shared/dims';
import { LIMITS } from '../../shared/limits';
import { createPredictor } from '../../shared/model/predict';
import { preprocessPixels } from '../../shared/image/preprocess';
import { call, expectError, postBytes, postJson } from './helpers/http';
import { dotImage, expectedProbabilities, handNetwork, modelFile, publish, type ModelFile } from './helpers/models';

// the JSON routes against the hand-set model, whose answers are known in closed form.

let model: ModelFile;
const reference = createPredictor(handNetwork());

beforeAll(async () => {
  model = await modelFile(handNetwork());
  await publish(env.MODELS, model);
});

function expectClose(actual: number[], expected: number[], tolerance = 1e-6) {
  expect(actual).toHaveLength(expected.length);
  const bad = actual.findIndex((v, i) => !(Math.abs(v - expected[i]) <= tolerance));
  expect(bad, `first bad index ${bad}: ${actual[bad]} vs ${expected[bad]}`).toBe(-1);
}

function grid(flat: number[]): number[][] {
  return Array.from({ length: 28 }, (_, y) => flat.slice(y * 28, y * 28 + 28));
}

describe('POST /classify with JSON pixels', () => {
  it('classifies a flat 784-value image and names the model version', async () => {
    const res = await postJson('/classify', { pixels: dotImage(7) });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.digit).toBe(7);
    expect(body.model).toEqual({ version: model.version });
    expectClose(body.probabilities, expectedProbabilities(7, 255));
    expect(body.confidence).toBe(body.probabilities[7]);
    // the worker runs shared/predict, so its answer is the reference's to the last bit
    expect(body.probabilities).toEqual(reference.predict([dotImage(7)])[0].probabilities);
    expect(body).not.toHaveProperty('preprocessed');
  });

  it('classifies a 28×28 nested array the same as the flat one', async () => {
    const flat = await (await postJson('/classify', { pixels: dotImage(3, 128) })).json<any>();
    const nested = await (await postJson('/classify', { pixels: grid(dotImage(3, 128)) })).json<any>();
    expect(nested).toEqual(flat);
    expect(nested.digit).toBe(3);
    expectClose(nested.probabilities, expectedProbabilities(3, 128));
  });

  it('accepts fractional pixel values and the bounds 0 and 255', async () => {
    const img = dotImage(5, 254.5);
    img[100] = 0;
    img[783] = 255;
    const body = await (await postJson('/classify', { pixels: img })).json<any>();
    expect(body.digit).toBe(5);
    expectClose(body.probabilities, expectedProbabilities(5, 254.5));
  });

  it('uses the pixels as they are unless preprocess is true, and then runs the shared preprocessing', async () => {
    const img = dotImage(2);
    const raw = await (await postJson('/classify', { pixels: img, preprocess: false, return_input: true })).json<any>();
    expect(raw.digit).toBe(2);
    expect(raw.preprocessed).toEqual(img);

    const pre = await (await postJson('/classify', { pixels: img, preprocess: true, return_input: true })).json<any>();
    const expectedInput = preprocessPixels(img);
    expect(pre.preprocessed).toEqual(Array.from(expectedInput));
    // recentred, the ink leaves the top row the hand model reads: every logit is 0
    expect(pre.probabilities).toEqual(reference.predict([expectedInput])[0].probabilities);
    expectClose(pre.probabilities, new Array(K).fill(0.1));
  });

  it('answers 422 no_digit when asked to preprocess an empty drawing', async () => {
    const message = await expectError(await postJson('/classify', { pixels: new Array(D).fill(0), preprocess: true }), 422, 'no_digit');
    expect(message).toMatch(/empty/);
  });

  it('answers 422 no_digit for an empty drawing when preprocess is off too, as for a blank PNG', async () => {
    const message = await expectError(await postJson('/classify', { pixels: new Array(D).fill(0) }), 422, 'no_digit');
    expect(message).toBe('no digit found in the image: the drawing is empty (every pixel is 0)');
    const rows = await expectError(await postJson('/classify', { pixels: Array.from({ length: 28 }, () => new Array(28).fill(0)) }), 422, 'no_digit');
    expect(rows).toBe(message);
  });

  it('fails a batch with a blank image in it, naming the image, whether sent as JSON or bytes', async () => {
    const json = await expectError(await postJson('/classify/batch', { images: [dotImage(1), dotImage(2), new Array(D).fill(0)] }), 422, 'no_digit');
    expect(json).toBe('images[2]: no digit found in the image: the drawing is empty (every pixel is 0)');
    const bytes = await expectError(await postBytes('/classify/batch', new Uint8Array(2 * D).fill(9, 0, D), 'application/octet-stream'), 422, 'no_digit');
    expect(bytes).toMatch(/^images\[1\]: /);
  });
});

describe('POST /classify/batch', () => {
  it('answers one prediction per image, in order', async () => {
    const pixels = [7, 0, 9, 4, 4, 1];
    const res = await postJson('/classify/batch', { images: pixels.map((p) => dotImage(p)) });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.model).toEqual({ version: model.version });
    expect(body.results.map((r: any) => r.digit)).toEqual(pixels);
    body.results.forEach((r: any, i: number) => expectClose(r.probabilities, expectedProbabilities(pixels[i], 255)));
  });

  it('takes flat and 28×28 images side by side', async () => {
    const body = await (await postJson('/classify/batch', { images: [dotImage(8), grid(dotImage(6))] })).json<any>();
    expect(body.results.map((r: any) => r.digit)).toEqual([8, 6]);
  });

  // the free plan's limit: wrangler.toml sets WORKERS_PLAN = "free"
  const MAX = LIMITS.free.batchImages;

  it(`accepts ${MAX} images, the free plan's limit`, async () => {
    const images = Array.from({ length: MAX }, (_, i) => dotImage(i % 10, 200));
    const res = await postJson('/classify/batch', { images });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.results).toHaveLength(MAX);
    expect(body.results.map((r: any) => r.digit)).toEqual(images.map((_, i) => i % 10));
  });

  it(`refuses ${MAX + 1} images with 400 that names the limit`, async () => {
    const images = Array.from({ length: MAX + 1 }, () => dotImage(1, 9));
    const message = await expectError(await postJson('/classify/batch', { images }), 400, 'invalid_input');
    expect(message).toBe(`images must have 1..${MAX} images, got ${MAX + 1}`);
  });

  it('refuses an empty batch with 400', async () => {
    expect(await expectError(await postJson('/classify/batch', { images: [] }), 400, 'invalid_input')).toBe(`images must have 1..${MAX} images, got 0`);
  });

  it('names the image that has no digit when preprocessing a batch', async () => {
    const message = await expectError(await postJson('/classify/batch', { images: [dotImage(1), new Array(D).fill(0)], preprocess: true }), 422, 'no_digit');
    expect(message).toMatch(/^images\[1\]: /);
  });

  it('names the bad pixel of the bad image', async () => {
    const bad = dotImage(1);
    bad[40] = -1;
    expect(await expectError(await postJson('/classify/batch', { images: [dotImage(1), bad] }), 400, 'invalid_input')).toBe('images[1][40] = -1 is outside 0..255');
  });
});

describe('POST /classify/batch with the pixels as bytes', () => {
  const bytes = (images: number[][]) => Uint8Array.from(images.flat());

  it('answers N × 784 bytes exactly as the same images sent as JSON', async () => {
    const images = [7, 0, 9, 4].map((p) => dotImage(p, 200));
    const res = await postBytes('/classify/batch', bytes(images), 'application/octet-stream');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.results.map((r: any) => r.digit)).toEqual([7, 0, 9, 4]);
    expect(body).toEqual(await (await postJson('/classify/batch', { images })).json<any>());
  });

  it('preprocesses each image with ?preprocess=true, naming a blank one by its index', async () => {
    const images = [dotImage(3), dotImage(5)];
    const res = await postBytes('/classify/batch?preprocess=true', bytes(images), 'application/octet-stream');
    expect(await res.json<any>()).toEqual(await (await postJson('/classify/batch', { images, preprocess: true })).json<any>());
    const blank = await postBytes('/classify/batch?preprocess=true', bytes([dotImage(3), new Array(D).fill(0)]), 'application/octet-stream');
    expect(await expectError(blank, 422, 'no_digit')).toMatch(/^images\[1\]: /);
  });

  it('refuses a body that is not whole images, saying how long it was', async () => {
    const message = await expectError(await postBytes('/classify/batch', new Uint8Array(D + 5), 'application/octet-stream'), 400, 'invalid_input');
    expect(message).toBe(`an application/octet-stream body must be 1..${LIMITS.free.batchImages} images of 784 bytes each (N × 784 bytes); got 789 bytes, 1 image and 5 bytes more`);
  });

  it('refuses more images than the limit with 413 before reading them', async () => {
    const res = await postBytes('/classify/batch', new Uint8Array((LIMITS.free.batchImages + 1) * D), 'application/octet-stream');
    expect(await expectError(res, 413, 'body_too_large')).toMatch(new RegExp(`at most ${LIMITS.free.batchImages * D} bytes`));
  });
});

describe('model information', () => {
  it('GET /model describes the model being served', async () => {
    const res = await call('/model');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body).toMatchObject({
      version: model.version,
      architecture: { sizes: [784, 10, 10], inputScale: 1 / 255, deskew: false },
      dtype: 'float32',
      paramCount: 784 * 10 + 10 + 10 * 10 + 10,
      bytes: model.bytes.length,
      testAccuracy: null, // put in KV without the uploader: not measured, whatever the file claims (0.5)
      training: { optimizer: 'none', epochs: 0 },
      dataset: 'hand-set weights (test)',
      createdAt: '2026-11-01T00:00:00.000Z',
      uploadedAt: null,
    });
    expect(body.checksum).toMatch(new RegExp(`^${model.version}[0-9a-f]{48}$`));
    expect(Date.parse(body.loadedAt)).toBeGreaterThan(0);
  });

  it('GET /model/weights answers the model file byte for byte, cacheable, with the version as ETag', async () => {
    const res = await call('/model/weights');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${model.version}"`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(model.bytes);
  });

  it('GET /model/weights answers 304 when the browser already has this version', async () => {
    const res = await call('/model/weights', { headers: { 'If-None-Match': `"${model.version}"` } });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
  });

  it('GET /healthz is 200 with the model version', async () => {
    const res = await call('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json<any>()).toMatchObject({ status: 'ok', model: { version: model.version } });
  });

  it('GET /readyz is 200 when the current model is the one loaded', async () => {
    const res = await call('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json<any>()).toMatchObject({ status: 'ready', model: { version: model.version } });
  });

  it('HEAD /healthz answers the GET headers without a body', async () => {
    const res = await call('/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

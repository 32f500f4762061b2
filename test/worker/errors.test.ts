import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { createApp } from '../../worker/index';
import { LIMITS } from '../../shared/limits';
import type { ModelLoader } from '../../worker/model-loader';
import { call, expectError, postBytes, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// every way a request can go wrong answers the one error shape, with CORS, never a 5xx.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const withPixel = (i: number, v: unknown) => {
  const px: unknown[] = dotImage(1);
  px[i] = v;
  return px;
};

describe('400 for JSON that is not a valid request', () => {
  const cases: [string, unknown, string | RegExp][] = [
    ['783 values', { pixels: new Array(783).fill(0) }, 'pixels must have 784 values, got 783'],
    ['785 values', { pixels: new Array(785).fill(0) }, 'pixels must have 784 values, got 785'],
    ['a string pixel', { pixels: withPixel(12, 'a') }, 'pixels[12] is not a number (got the string "a")'],
    ['the string "NaN"', { pixels: withPixel(0, 'NaN') }, 'pixels[0] is not a number (got the string "NaN")'],
    ['a null pixel', { pixels: withPixel(9, null) }, 'pixels[9] is not a number (got null)'],
    ['a pixel above 255', { pixels: withPixel(5, 300) }, 'pixels[5] = 300 is outside 0..255'],
    ['a negative pixel', { pixels: withPixel(700, -0.5) }, 'pixels[700] = -0.5 is outside 0..255'],
    ['a boolean pixel', { pixels: withPixel(3, true) }, 'pixels[3] is not a number (got a boolean)'],
    ['a ragged 28×28 array', { pixels: Array.from({ length: 28 }, (_, y) => new Array(y === 3 ? 27 : 28).fill(0)) }, 'pixels[3] must have 28 values, got 27'],
    ['27 rows', { pixels: Array.from({ length: 27 }, () => new Array(28).fill(0)) }, 'pixels must have 28 rows, got 27'],
    ['a bad value in a row', { pixels: Array.from({ length: 28 }, (_, y) => new Array(28).fill(y === 2 ? 256 : 0)) }, /^pixels\[2\]\[0\] = 256 is outside 0\.\.255; pixels\[2\]\[1\] = 256 is outside 0\.\.255; pixels\[2\]\[2\] = 256 is outside 0\.\.255; and 25 more problems$/],
    ['no pixels', {}, 'pixels is required'],
    ['pixels as a string', { pixels: 'abc' }, /^pixels must be an array of 784 numbers/],
    ['a body that is an array', [1, 2, 3], /^the body must be a JSON object like \{"pixels"/],
    ['a body that is null', null, /^the body must be a JSON object/],
    ['a misspelt option', { pixels: dotImage(1), preprocesss: true }, 'the body has unknown field "preprocesss"'],
    ['a non-boolean option', { pixels: dotImage(1), preprocess: 'yes' }, 'preprocess must be true or false (got the string "yes")'],
  ];
  for (const [what, body, message] of cases) {
    it(`names the problem for ${what}`, async () => {
      const got = await expectError(await postJson('/classify', body), 400, 'invalid_input');
      if (typeof message === 'string') expect(got).toBe(message);
      else expect(got).toMatch(message);
    });
  }

  it('refuses a __proto__ key as an unknown field', async () => {
    const body = `{"__proto__": {"polluted": true}, "pixels": ${JSON.stringify(dotImage(1))}}`;
    expect(await expectError(await postJson('/classify', body), 400, 'invalid_input')).toBe('the body has unknown field "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quotes at most three unknown fields, shortened, whatever the client sent', async () => {
    const body: Record<string, unknown> = { pixels: dotImage(1) };
    for (let i = 0; i < 500; i++) body[`field${i}_${'x'.repeat(100)}`] = i;
    const message = await expectError(await postJson('/classify', body), 400, 'invalid_input');
    expect(message).toBe(`the body has unknown fields "field0_${'x'.repeat(33)}…", "field1_${'x'.repeat(33)}…", "field2_${'x'.repeat(33)}…", …`);
  });

  it('refuses 1e400, which JSON.parse reads as Infinity', async () => {
    const body = JSON.stringify({ pixels: dotImage(1) }).replace('[0,', '[1e400,');
    expect(await expectError(await postJson('/classify', body), 400, 'invalid_input')).toBe('pixels[0] is Infinity, not a finite number');
  });

  for (const [what, text] of [
    ['truncated JSON', '{"pixels": [1, 2'],
    ['a bare NaN', `{"pixels": [NaN${',0'.repeat(D - 1)}]}`],
    ['an empty body', ''],
    ['single quotes', "{'pixels': []}"],
  ]) {
    it(`answers invalid_json for ${what}`, async () => {
      expect(await expectError(await postJson('/classify', text), 400, 'invalid_json')).toBe('the body is not valid JSON');
    });
  }

  it('refuses deeply nested JSON before parsing it', async () => {
    const text = '['.repeat(20_000) + ']'.repeat(20_000);
    expect(await expectError(await postJson('/classify', text), 400, 'invalid_json')).toMatch(/nested deeper than 8 levels/);
  });

  it('does not count brackets inside strings as nesting', async () => {
    const res = await postJson('/classify', { pixels: '[[[[[[[[[[[[' });
    expect(await expectError(res, 400, 'invalid_input')).toMatch(/^pixels must be an array/);
  });
});

describe('404 and 405', () => {
  it('answers 404 not_found for an unknown path', async () => {
    await expectError(await call('/nope'), 404, 'not_found');
  });

  it('answers 404 for a known path with a trailing slash', async () => {
    await expectError(await call('/healthz/'), 404, 'not_found');
  });

  it('answers 405 with Allow for GET /classify', async () => {
    const res = await call('/classify');
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await expectError(res, 405, 'method_not_allowed')).toBe('GET is not allowed on /classify; use POST, OPTIONS');
  });

  it('answers 405 with Allow for DELETE /model', async () => {
    const res = await call('/model', { method: 'DELETE' });
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    await expectError(res, 405, 'method_not_allowed');
  });

  it('answers 405 for POST /model/weights', async () => {
    await expectError(await postJson('/model/weights', {}), 405, 'method_not_allowed');
  });
});

describe('413 for bodies over the limit', () => {
  it('refuses a JSON body whose Content-Length is over 64 KiB without reading it', async () => {
    const res = await postJson('/classify', JSON.stringify({ pixels: dotImage(1) }) + ' '.repeat(64 * 1024));
    expect(await expectError(res, 413, 'body_too_large')).toMatch(/at most 65536 bytes/);
  });

  it('refuses a chunked body (no Content-Length) once it passes the limit', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await call('/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await expectError(res, 413, 'body_too_large');
    // it stopped reading long before the 8 MiB the client offered
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it('still accepts a chunked body under the limit', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ pixels: dotImage(4) }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    const res = await call('/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect((await res.json<any>()).digit).toBe(4);
  });

  const { batchJsonBytes, imageBytes } = LIMITS.free;

  it(`refuses a batch over the free plan's ${batchJsonBytes / 1024} KiB`, async () => {
    const res = await postJson('/classify/batch', '{"images": [' + ' '.repeat(batchJsonBytes) + ']}');
    expect(await expectError(res, 413, 'body_too_large')).toMatch(new RegExp(`at most ${batchJsonBytes} bytes`));
  });

  it(`refuses a PNG body over the free plan's ${imageBytes / 1024} KiB`, async () => {
    await expectError(await postBytes('/classify', new Uint8Array(imageBytes + 1), 'image/png'), 413, 'body_too_large');
  });
});

describe('415 for content types a route does not take', () => {
  it('refuses text/plain', async () => {
    expect(await expectError(await postBytes('/classify', new TextEncoder().encode('7'), 'text/plain'), 415, 'unsupported_media_type')).toMatch(/text\/plain is not accepted here; send application\/json, image\/png, image\/jpeg, multipart\/form-data/);
  });

  it('refuses a body with no Content-Type', async () => {
    await expectError(await postBytes('/classify', new TextEncoder().encode('{}'), null), 415, 'unsupported_media_type');
  });

  it('refuses a PNG on the batch route, which takes JSON or raw pixel bytes', async () => {
    expect(await expectError(await postBytes('/classify/batch', new Uint8Array(8), 'image/png'), 415, 'unsupported_media_type')).toMatch(/send application\/json, application\/octet-stream$/);
  });

  it('refuses application/x-www-form-urlencoded', async () => {
    await expectError(await postBytes('/classify', new TextEncoder().encode('pixels=1'), 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });
});

describe('500 for our own bugs', () => {
  it('answers an unexpected exception as 500 internal_error without its message or stack', async () => {
    const broken: ModelLoader = {
      get: () => Promise.reject(new TypeError('secret detail at worker/model-loader.ts:12')),
      status: () => ({ current: null, pointerVersion: null, checkedAt: null, lastError: null }),
    };
    const res = await createApp(broken).request('/healthz', {}, env);
    const message = await expectError(res, 500, 'internal_error');
    expect(message).not.toMatch(/secret|model-loader/);
  });
});

describe('CORS and security headers', () => {
  it('answers a preflight for POST /classify from any origin, without credentials', async () => {
    const res = await call('/classify', {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('exposes Retry-After, ETag and Allow to scripts on other origins', async () => {
    const res = await call('/healthz', { headers: { Origin: 'https://elsewhere.example' } });
    expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After,ETag,Allow');
  });

  it('sends headers that protect without forbidding embedding', async () => {
    const res = await call('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });
});

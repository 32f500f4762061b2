import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { call, postBytes } from './helpers/http';
import { modelFile, publish, randomNetwork } from './helpers/models';
import { encodePng } from './helpers/png';

// whatever a client sends, the worker answers a classification or the one error shape, never a 5xx.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(randomNetwork(7)));
});

const RUNS = 150;

/** the answer is either a valid classification or a well-formed client error */
async function expectSane(res: Response, context: string): Promise<void> {
  const text = new TextDecoder().decode(await res.arrayBuffer());
  expect(res.status, `${context} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.headers.get('access-control-allow-origin'), context).toBe('*');
  // HEAD, preflight, 304, the docs page and the weights carry no JSON to check
  if (text === '' || !res.headers.get('content-type')?.startsWith('application/json')) return;
  const body = JSON.parse(text);
  if (res.status >= 400) {
    expect(Object.keys(body), context).toEqual(['error']);
    expect(typeof body.error.code, context).toBe('string');
    expect(typeof body.error.message, context).toBe('string');
  } else if ('results' in body) {
    for (const r of body.results) expect(r.probabilities, context).toHaveLength(10);
  } else if ('digit' in body) {
    expect(body.digit, context).toBeGreaterThanOrEqual(0);
    expect(body.probabilities, context).toHaveLength(10);
    expect(body.model.version, context).toMatch(/^[0-9a-f]{16}$/);
  }
}

const pixelValue = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 300 }),
  fc.constantFrom<unknown>(null, 'NaN', '1', true, [], {}, -0, 1e308),
);

/** bodies near the valid shape, so validation gets past its first check */
const nearValid = fc.oneof(
  fc.record({ pixels: fc.array(pixelValue, { minLength: D - 2, maxLength: D + 1 }) }),
  fc.record({ pixels: fc.array(fc.array(pixelValue, { minLength: 27, maxLength: 29 }), { minLength: 27, maxLength: 29 }), preprocess: fc.boolean() }),
  fc.record({ pixels: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: D, maxLength: D }), preprocess: fc.boolean(), return_input: fc.anything() }, { requiredKeys: ['pixels'] }),
  fc.record({ images: fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: D, maxLength: D }), { maxLength: 3 }), preprocess: fc.anything() }, { requiredKeys: [] }),
);

const contentTypes = fc.constantFrom<string | null>(
  'application/json', 'application/json; charset=utf-8', 'image/png', 'multipart/form-data; boundary=xyz',
  'multipart/form-data', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', '', null, 'application/vnd.api+json',
);

describe('whatever the client sends', () => {
  it('random JSON values to both classify routes never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearValid), fc.constantFrom('/classify', '/classify/batch'), async (value, path) => {
        await expectSane(await postBytes(path, new TextEncoder().encode(JSON.stringify(value) ?? ''), 'application/json'), `${path} ${JSON.stringify(value)?.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('random text labelled as JSON never produces a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', ':', '1', 'e', '-', '.', ' ', 'n', 'u', 'l', 'a', '\u00e9', '\ud800') , maxLength: 200 }), async (text) => {
        await expectSane(await postBytes('/classify', new TextEncoder().encode(text), 'application/json'), JSON.stringify(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes with every content type never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentTypes, fc.constantFrom('/classify', '/classify/batch', '/classify?preprocess=false'), async (bytes, type, path) => {
        await expectSane(await postBytes(path, bytes, type), `${path} ${type} ${bytes.length} bytes`);
      }),
      { numRuns: RUNS },
    );
  });

  it('a valid PNG with random bytes changed never produces a 5xx', async () => {
    const gray = Array.from({ length: 40 * 40 }, (_, i) => ((i % 40) - 20) ** 2 + ((Math.floor(i / 40) - 20) ** 2) < 150 ? 0 : 255);
    const png = await encodePng(40, 40, gray);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(png.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.boolean(), async (edits, preprocess) => {
        const bytes = png.slice();
        for (const [at, value] of edits) bytes[at] = value;
        await expectSane(await postBytes(`/classify?preprocess=${preprocess}`, bytes, 'image/png'), `png edits ${JSON.stringify(edits)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('any method on any path never produces a 5xx', async () => {
    const paths = fc.oneof(
      fc.constantFrom('/', '/classify', '/classify/batch', '/healthz', '/readyz', '/model', '/model/weights', '/openapi.json', '/docs', '/classify/', '//classify', '/%00', '/model/../classify'),
      fc.webPath(),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), paths, async (method, path) => {
        const init: RequestInit = { method, ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: '{}', headers: { 'Content-Type': 'application/json' } } : {}) };
        await expectSane(await call(path.startsWith('/') ? path : `/${path}`, init), `${method} ${path}`);
      }),
      { numRuns: RUNS },
    );
  });
});

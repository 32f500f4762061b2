import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { LIMITS } from '../../shared/limits';
import { call, expectError, postBytes, postJson } from './helpers/http';
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

// ---------------------------------------------------------------- whole batches wrong everywhere

const { batchImages: MAX_IMAGES, batchJsonBytes: MAX_JSON } = LIMITS.free;

/** what the message must say: the first three problems in order, then how many more */
function expectedMessage(problems: string[]): string {
  const more = problems.length - 3;
  return problems.slice(0, 3).join('; ') + (more > 0 ? `; and ${more} more problem${more > 1 ? 's' : ''}` : '');
}

type Broken = { images: unknown[]; problems: string[] };

/** n images, each wrong in the same way, with the problems the worker must name in order */
const brokenBatch = (n: number, kind: string): Broken => {
  const images: unknown[] = [];
  const problems: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = `images[${i}]`;
    if (kind === 'all -1' || kind === 'all strings') {
      const v = kind === 'all -1' ? -1 : 'x';
      images.push(new Array(D).fill(v));
      for (let d = 0; d < D; d++) problems.push(kind === 'all -1' ? `${at}[${d}] = -1 is outside 0..255` : `${at}[${d}] is not a number (got the string "x")`);
    } else if (kind === '783 values' || kind === '785 values') {
      const length = kind === '783 values' ? D - 1 : D + 1;
      images.push(new Array(length).fill(0));
      problems.push(`${at} must have 784 values, got ${length}`);
    } else if (kind === '28 rows of 27') {
      images.push(Array.from({ length: 28 }, () => new Array(27).fill(0)));
      for (let y = 0; y < 28; y++) problems.push(`${at}[${y}] must have 28 values, got 27`);
    } else if (kind === 'each pixel in an array') {
      images.push(Array.from({ length: D }, () => [0]));
      problems.push(`${at} must have 28 rows, got 784`);
      for (let y = 0; y < D; y++) problems.push(`${at}[${y}] must have 28 values, got 1`);
    } else if (kind === 'null images') {
      images.push(null);
      problems.push(`${at} must be an array of 784 numbers or 28 arrays of 28 (got null)`);
    }
  }
  return { images, problems };
};

const KINDS = ['all -1', 'all strings', '783 values', '785 values', '28 rows of 27', 'each pixel in an array', 'null images'];

/** one image wrong in one place, or right (pixel 0 stays a number: an array there would make it 28 rows; a right one has ink, as a blank one is a 422) */
const oneImage = fc.oneof(
  fc.constant<Broken>({ images: [new Array(D).fill(0).fill(255, 400, 402)], problems: [] }),
  fc.tuple(fc.integer({ min: 1, max: D - 1 }), fc.constantFrom<unknown>(-1, 256, 255.5, 'x', null, true, [])).map(([d, v]): Broken => {
    const px: unknown[] = new Array(D).fill(0);
    px[d] = v;
    const what = typeof v === 'number' ? `= ${v} is outside 0..255`
      : `is not a number (got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string "${v}"` : `a ${typeof v}`})`;
    return { images: [px], problems: [`[${d}] ${what}`] };
  }),
  fc.integer({ min: 0, max: 2 * D }).filter((n) => n !== D).map((n): Broken => ({ images: [new Array(n).fill(0)], problems: [` must have 784 values, got ${n}`] })),
);

async function expectNamed(res: Response, problems: string[], context: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${context}: ${text.slice(0, 300)}`).toBe(400);
  const { error } = JSON.parse(text);
  expect(error.code, context).toBe('invalid_input');
  expect(error.message, context).toBe(expectedMessage(problems));
}

describe('a whole batch wrong everywhere', () => {
  it('is a 400 naming its first three problems and counting the rest, in each way it can be wrong', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: MAX_IMAGES }), fc.constantFrom(...KINDS), async (n, kind) => {
        const { images, problems } = brokenBatch(n, kind);
        const body = JSON.stringify({ images });
        const res = await postBytes('/classify/batch', new TextEncoder().encode(body), 'application/json');
        if (body.length > MAX_JSON) return void (await expectError(res, 413, 'body_too_large'));
        await expectNamed(res, problems, `${n} × ${kind}`);
      }),
      { numRuns: 60 },
    );
  });

  it('names the first problems of a batch whose images are wrong in different ways', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(oneImage, { minLength: 1, maxLength: MAX_IMAGES }), async (parts) => {
        const images = parts.flatMap((p) => p.images);
        const problems = parts.flatMap((p, i) => p.problems.map((m) => `images[${i}]${m}`));
        const res = await postJson('/classify/batch', { images });
        if (problems.length === 0) return void expect(res.status).toBe(200);
        await expectNamed(res, problems, `${images.length} images`);
      }),
      { numRuns: 60 },
    );
  });

  it('answers JSON nested deeper than any request with 400 before parsing it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 9, max: 5000 }), async (depth) => {
        const res = await postJson('/classify/batch', `{"images": ${'['.repeat(depth)}${']'.repeat(depth)}}`);
        expect(await expectError(res, 400, 'invalid_json')).toMatch(/nested deeper than 8 levels/);
      }),
      { numRuns: 20 },
    );
  });

  it('answers a byte body that is not whole images with 400, and one over the limit with 413', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: (MAX_IMAGES + 2) * D }).filter((n) => n === 0 || n % D !== 0 || n > MAX_IMAGES * D), async (length) => {
        const res = await postBytes('/classify/batch', new Uint8Array(length), 'application/octet-stream');
        if (length > MAX_IMAGES * D) return void expect(await expectError(res, 413, 'body_too_large')).toMatch(new RegExp(`at most ${MAX_IMAGES * D} bytes`));
        const message = await expectError(res, 400, 'invalid_input');
        expect(message).toMatch(length === 0 ? /the body is empty/ : new RegExp(`got ${length} bytes`));
        expect(message).toMatch(new RegExp(`1\\.\\.${MAX_IMAGES} images of 784 bytes`));
      }),
      { numRuns: 40 },
    );
  });
});

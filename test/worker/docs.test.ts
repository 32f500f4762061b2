import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import { call } from './helpers/http';

// /openapi.json is generated from the same zod schemas that validate requests; /docs renders it.

const ROUTES = [
  ['post', '/classify'],
  ['post', '/classify/batch'],
  ['post', '/read'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/model'],
  ['get', '/model/weights'],
  ['get', '/openapi.json'],
  ['get', '/docs'],
  ['post', '/feedback'],
] as const;

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every API route', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = await res.json<any>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('mnist-edge');
    const listed = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item as object).map((m) => [m, path]));
    expect(listed.sort()).toEqual(ROUTES.map((r) => [...r]).sort());
    expect(doc.paths['/']).toBeUndefined(); // pages are static files, not API
  });

  it('documents the four request bodies of /classify, all required, and the error answers', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const op = doc.paths['/classify'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'image/jpeg', 'image/png', 'multipart/form-data']);
    expect(op.description).toMatch(/JPEGs up to \d+ KiB and [\d.]+ megapixels \(e\.g\. \d+×\d+\)/);
    expect(op.requestBody.required).toBe(true);
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ClassifyJson' });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '413', '415', '422', '429', '500', '503']);
    expect(op.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(op.parameters.map((p: any) => p.name).sort()).toEqual(['preprocess', 'return_input']);
  });

  it('describes the pixel limits in the schemas', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const pixels = doc.components.schemas.Pixels;
    const [flat, rows] = pixels.anyOf;
    expect(flat).toMatchObject({ type: 'array', minItems: 784, items: { type: 'number', minimum: 0, maximum: 255 } });
    expect(rows).toMatchObject({ type: 'array', minItems: 28, items: { type: 'array', minItems: 28, items: { type: 'number', minimum: 0, maximum: 255 } } });
    // no type beside the anyOf (a generator adds unknown[] for it), and no maxItems equal to minItems (generators make tuples of those)
    expect(pixels.type).toBeUndefined();
    const sizes = JSON.stringify(doc.components.schemas).match(/"m(?:in|ax)Items":\d+,?/g) ?? [];
    const tuples = JSON.stringify(doc, (_k, v) => (v && typeof v === 'object' && v.minItems !== undefined && v.minItems === v.maxItems ? '<tuple>' : v));
    expect(sizes.length).toBeGreaterThan(0);
    expect(tuples).not.toContain('<tuple>');
    expect(doc.components.schemas.BatchJson.properties.images).toMatchObject({ minItems: 1, maxItems: LIMITS.free.batchImages });
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'message']);
  });

  it('names the deployment that served it in servers, so generated clients call it', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    expect(doc.servers).toEqual([{ url: 'https://mnist.test', description: expect.any(String) }]); // the origin test/worker/helpers/http.ts calls
  });

  it('gives every operation an example: the request body where there is one, and answers', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path][method];
      const answers = Object.values(op.responses).flatMap((r: any) => Object.values(r.content ?? {})).filter((m: any) => m.example !== undefined);
      expect(answers.length, `${method} ${path}: an example answer`).toBeGreaterThan(0);
      for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
        if (type === 'application/json') expect(media.example, `${method} ${path}: an example ${type} body`).toBeDefined();
      }
    }
    expect(doc.paths['/classify'].post.requestBody.content['application/json'].example.pixels).toHaveLength(784);
  });

  it('documents POST /feedback beside the API routes', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const op = doc.paths['/feedback'].post;
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Feedback' });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '415', '422', '429', '503']));
  });
});

describe('GET /docs', () => {
  it('is a self-contained HTML page listing every route, with no scripts or external resources', async () => {
    const res = await call('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    for (const [method, path] of ROUTES) expect(html).toContain(`<span class="m">${method.toUpperCase()}</span> <code>${path}</code>`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!mnist)/i);
    expect(html).toContain('id="schema-ClassifyJson"');
  });

  it('shows the descriptions\' `code` as code, kept on one line, and no backticks', async () => {
    const html = await (await call('/docs')).text();
    expect(html).toContain('<code>?preprocess=false</code>');
    expect(html).toMatch(/code\{white-space:nowrap\}/);
    const text = html.replace(/<pre>[\s\S]*?<\/pre>/g, ''); // the schemas' JSON is shown as it is
    expect(text).not.toContain('`');
  });
});

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

  it('documents the three request bodies of /classify, all required, and the error answers', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const op = doc.paths['/classify'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'image/png', 'multipart/form-data']);
    expect(op.requestBody.required).toBe(true);
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ClassifyJson' });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '413', '415', '422', '429', '500', '503']);
    expect(op.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(op.parameters.map((p: any) => p.name).sort()).toEqual(['preprocess', 'return_input']);
  });

  it('describes the pixel limits in the schemas', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const pixels = doc.components.schemas.Pixels;
    const flat = pixels.anyOf[0];
    expect(flat).toMatchObject({ type: 'array', minItems: 784, maxItems: 784, items: { type: 'number', minimum: 0, maximum: 255 } });
    expect(doc.components.schemas.BatchJson.properties.images).toMatchObject({ minItems: 1, maxItems: LIMITS.free.batchImages });
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'message']);
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
});

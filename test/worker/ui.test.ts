import { describe, expect, it } from 'vitest';
import * as bundles from '../../worker/ui/generated/assets';
import { call, expectError } from './helpers/http';

// the pages and the scripts other sites embed: served with the right types, caching and CORS,
// and framable from anywhere (the widget lives in other sites' iframes).

const TESTIDS = ['pad', 'prediction', 'clear'];

function expectFramable(res: Response) {
  expect(res.headers.get('x-frame-options')).toBeNull();
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/frame-ancestors \*/);
  expect(csp).not.toMatch(/frame-ancestors 'none'/);
  expect(csp).toMatch(/script-src 'self'/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('GET /', () => {
  it('is the drawing page with the stable test hooks, loading its script by content hash', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expectFramable(res);
    const html = await res.text();
    for (const id of TESTIDS) expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('data-testid="local"'); // the classify-in-your-browser switch
    expect(html).toContain('data-testid="seen"'); // the 28×28 input
    expect(html).toMatch(/aria-live="polite"/);
    expect(html).toContain(`<script type="module" src="/ui/app.js?v=${bundles.app.hash}"></script>`);
  });

  it('answers 405 in the error shape for other methods', async () => {
    await expectError(await call('/', { method: 'POST' }), 405, 'method_not_allowed');
  });
});

describe('GET /widget', () => {
  it('is the compact widget with the same hooks, themed and sized by the query', async () => {
    const res = await call('/widget?theme=dark&size=300');
    expect(res.status).toBe(200);
    expectFramable(res);
    const html = await res.text();
    for (const id of TESTIDS) expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('class="mw mw--compact" data-theme="dark" style="--mw-size:300px"');
    expect(html).not.toContain('data-testid="local"');
  });

  it('falls back to the light theme and clamps the size for values it does not know', async () => {
    const html = await (await call('/widget?theme=%3Cscript%3E&size=99999')).text();
    expect(html).toContain('data-theme="light" style="--mw-size:560px"');
    expect(html).not.toContain('<script>');
  });
});

describe('the browser scripts', () => {
  const scripts = [
    ['/embed.js', bundles.embed],
    ['/client.js', bundles.client],
    ['/ui/app.js', bundles.app],
  ] as const;

  for (const [path, asset] of scripts) {
    it(`${path} is JavaScript anyone may load, with an ETag and a short cache`, async () => {
      const res = await call(path, { headers: { Origin: 'https://blog.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('etag')).toBe(`"${asset.hash}"`);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=300\b/);
      expect(await res.text()).toBe(asset.body);
    });

    it(`${path} answers 304 to a matching If-None-Match and is immutable under ?v=<hash>`, async () => {
      const again = await call(path, { headers: { 'If-None-Match': `W/"${asset.hash}"` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const pinned = await call(`${path}?v=${asset.hash}`);
      expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const stale = await call(`${path}?v=0000000000000000`);
      expect(stale.headers.get('cache-control')).toMatch(/^public, max-age=300\b/);
    });
  }

  it('answers a CORS preflight for the scripts from any origin', async () => {
    const res = await call('/embed.js', { method: 'OPTIONS', headers: { Origin: 'https://blog.example', 'Access-Control-Request-Method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('/client.js is an ES module exporting classify; /embed.js is a classic script', async () => {
    const client = await (await call('/client.js')).text();
    expect(client).toMatch(/export\s*\{[^}]*\bclassify\b/);
    const embed = await (await call('/embed.js')).text();
    expect(embed).not.toMatch(/^\s*(import|export)\b/m);
    expect(embed).toContain('currentScript');
  });

  it('bundles the shared preprocessing instead of a copy of it', async () => {
    // shared/preprocess.ts's own error text proves it is in each bundle
    for (const [path, asset] of scripts) expect(asset.body, path).toContain('no digit found in the image');
    // and the pad's path through preprocessPixels in the pages' and the widget's
    for (const asset of [bundles.app, bundles.embed]) expect(asset.body).toContain('pixel values must be numbers from 0 to');
  });
});

describe('/openapi.json', () => {
  it('documents POST /feedback beside the API routes', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const op = doc.paths['/feedback'].post;
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Feedback' });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '415', '422', '429', '503']));
    expect(doc.paths['/']).toBeUndefined(); // pages are not API
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../scripts/build-web';
import { ROOT } from './helpers';

// the pages and the scripts other sites embed, as Workers Static Assets serves them from dist/web/
// (wrangler dev runs the same asset server as the edge): the right types, caching and CORS, framable
// from anywhere (the widget lives in other sites' iframes), and never a copy of shared/'s code.

const worker = inject('worker');
const manifest: Manifest = JSON.parse(readFileSync(join(ROOT, 'dist/web/manifest.json'), 'utf8'));
const get = (path: string, init?: RequestInit) => fetch(worker + path, init);

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
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectFramable(res);
    const html = await res.text();
    for (const id of TESTIDS) expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('data-testid="local"'); // the classify-in-your-browser switch
    expect(html).toContain('data-testid="seen"'); // the 28×28 input
    expect(html).toMatch(/aria-live="polite"/);
    expect(manifest.app.path).toMatch(/^\/assets\/app\.[0-9a-f]{16}\.js$/);
    expect(html).toContain(`<script type="module" src="${manifest.app.path}"></script>`);
  });

  it('refuses other methods with 405', async () => {
    expect((await get('/', { method: 'POST', body: '{}' })).status).toBe(405);
  });
});

describe('GET /widget', () => {
  it('is the compact widget with the same hooks and no in-browser switch', async () => {
    const res = await get('/widget?theme=dark&size=300');
    expect(res.status).toBe(200);
    expectFramable(res);
    const html = await res.text();
    for (const id of TESTIDS) expect(html).toContain(`data-testid="${id}"`);
    // the theme and size are applied by the page's script (see page.test.ts); the file has the defaults
    expect(html).toContain('class="mw mw--compact" data-theme="light" data-mode="digit" style="--mw-size:280px"');
    expect(html).not.toContain('data-testid="local"');
  });
});

describe('the browser scripts', () => {
  const scripts = [
    ['/embed.js', manifest.embed],
    ['/client.js', manifest.client],
  ] as const;

  for (const [path, asset] of scripts) {
    it(`${path} is JavaScript anyone may load, revalidated every 5 minutes, with an ETag`, async () => {
      const res = await get(path, { headers: { Origin: 'https://blog.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=300\b/);
      const etag = res.headers.get('etag');
      expect(etag).toBeTruthy();
      const body = await res.text();
      expect(body).toBe(readFileSync(join(ROOT, 'dist/web', path), 'utf8'));
      const again = await get(path, { headers: { 'If-None-Match': etag! } });
      expect(again.status).toBe(304);
    });

    it(`${path} has an immutable copy named by its content, with the same bytes`, async () => {
      const pinned = await get(asset.path);
      expect(pinned.status).toBe(200);
      expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(pinned.headers.get('access-control-allow-origin')).toBe('*');
      expect(await pinned.text()).toBe(await (await get(path)).text());
    });
  }

  it('/client.js is an ES module exporting classify; /embed.js is a classic script', async () => {
    const client = await (await get('/client.js')).text();
    expect(client).toMatch(/export\s*\{[^}]*\bclassify\b/);
    const embed = await (await get('/embed.js')).text();
    expect(embed).not.toMatch(/^\s*(import|export)\b/m);
    expect(embed).toContain('currentScript');
  });

  it('bundles the shared preprocessing instead of a copy of it', async () => {
    const bodies = await Promise.all([manifest.app, manifest.embed, manifest.client].map(async (a) => (await get(a.path)).text()));
    // shared/image/preprocess.ts's own error text proves it is in each bundle
    for (const body of bodies) expect(body).toContain('no digit found in the image');
    // and the pad's path through preprocessPixels in the pages' and the widget's
    for (const body of bodies.slice(0, 2)) expect(body).toContain('pixel values must be numbers from 0 to');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryKv } from '../../scripts/lib/memory-kv';
import { dotImage, handNetwork, modelFile, publish } from '../worker/helpers/models';

// the Worker as `wrangler deploy` would upload it: bundled by wrangler itself, small enough for the
// free plan, and answering a request when imported on its own (outside workerd, in Node's V8).

const dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Workers Free accepts a Worker of up to 3 MB gzipped */
const FREE_PLAN_GZIP_BYTES = 3 * 1000 * 1000;

type Bundle = { default: { fetch(req: Request, env: unknown, ctx: unknown): Promise<Response> } };

describe('wrangler deploy --dry-run', () => {
  const bundle = join(dir, 'index.js');

  beforeAll(() => {
    // throws, failing every test here, when wrangler cannot build the worker
    execFileSync(resolve('node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', dir], {
      stdio: 'pipe',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
  }, 120_000);

  it('bundles the worker small enough for the free plan', () => {
    expect(statSync(bundle).size).toBeGreaterThan(0);
    expect(gzipSync(readFileSync(bundle)).length).toBeLessThan(FREE_PLAN_GZIP_BYTES);
  });

  it('answers a classification through the bundled fetch', async () => {
    const worker = (await import(pathToFileURL(bundle).href)) as Bundle;
    const MODELS = memoryKv();
    await publish(MODELS, await modelFile(handNetwork()));
    const env = { MODELS, WORKERS_PLAN: 'free' };
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
    const req = new Request('https://mnist.test/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pixels: dotImage(3) }) });
    const res = await worker.default.fetch(req, env, ctx);
    expect(res.status).toBe(200);
    expect((await res.json()) as { digit: number }).toMatchObject({ digit: 3 });
  });
});

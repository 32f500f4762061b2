import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/index';
import { createModelLoader } from '../../../worker/model-loader';
import { ORIGIN } from './http';

// the worker's app with a model loader of its own: what a new isolate sees, whatever the module-scope
// loader of this isolate has loaded for earlier tests, so a test does not depend on which ran before it.

export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

export function freshWorker(): Fetch {
  const app = createApp(createModelLoader({ log: () => {} }));
  return async (path, init) => {
    const ctx = createExecutionContext();
    const res = await app.request(ORIGIN + path, init, env, ctx);
    // background refreshes finish before the answer is handed back
    await waitOnExecutionContext(ctx);
    return res;
  };
}

export function postJsonTo(worker: Fetch, path: string, body: unknown): Promise<Response> {
  return worker(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

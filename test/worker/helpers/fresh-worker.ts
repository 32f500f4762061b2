import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createApp } from '../../../worker/index';
import { createModelLoader, type ModelLoader } from '../../../worker/model-loader';
import { ORIGIN } from './http';

// the worker's app with a model loader of its own: what a new isolate sees, whatever the module-scope
// loader of this isolate has loaded for earlier tests, so a test does not depend on which ran before it.

export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** requests to an app with this loader and these bindings; background refreshes finish before each answer is handed back */
export function workerWith(loader: ModelLoader, bindings: Partial<Env> = {}): Fetch {
  const app = createApp(loader);
  return async (path, init) => {
    const ctx = createExecutionContext();
    const res = await app.request(ORIGIN + path, init, { ...env, ...bindings }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

export const freshWorker = (): Fetch => workerWith(createModelLoader({ log: () => {} }));

export function postJsonTo(worker: Fetch, path: string, body: unknown): Promise<Response> {
  return worker(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

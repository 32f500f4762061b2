import { readFileSync } from 'node:fs';

// npm run upload -- --wait: a moved pointer is not yet a served model. each Worker isolate re-reads
// pointer/current at most every MODEL_REFRESH_SECONDS (wrangler.toml), and a write to the deployed
// KV can take up to 60 s more to reach every location. this polls a Worker's /healthz until it
// serves the new version, or says what it still serves when time runs out.

/** MODEL_REFRESH_SECONDS as wrangler.toml sets it (the Worker's own default, 60, when it is not there) */
export function refreshSeconds(wranglerToml = 'wrangler.toml'): number {
  try {
    const m = /^\s*MODEL_REFRESH_SECONDS\s*=\s*"?(\d+)"?/m.exec(readFileSync(wranglerToml, 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // no wrangler.toml here: the Worker's default
  }
  return 60;
}

/** remote KV: a write may take up to this long to be seen everywhere (Cloudflare's documented bound) */
export const KV_PROPAGATION_SECONDS = 60;

/** when a Worker will serve a new pointer, as a sentence */
export function whenLive(remote: boolean, refresh = refreshSeconds()): string {
  return remote
    ? `Workers serve it within about ${refresh + KV_PROPAGATION_SECONDS} s: each re-reads the pointer every ${refresh} s (MODEL_REFRESH_SECONDS), after up to ${KV_PROPAGATION_SECONDS} s of KV propagation`
    : `a running \`wrangler dev\` serves it within ${refresh} s (it re-reads the pointer every MODEL_REFRESH_SECONDS)`;
}

export interface Served {
  version: string;
  seconds: number;
}

/** polls `${url}/healthz` every `intervalMs` until it names `version`; throws with what it last saw after `timeoutSeconds` */
export async function waitServed(url: string, version: string, timeoutSeconds: number, intervalMs = 1000): Promise<Served> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  let last = 'no answer yet';
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`, { headers: { 'cache-control': 'no-cache' } });
      const body = (await r.json().catch(() => null)) as { model?: { version?: string } } | null;
      const served = body?.model?.version;
      if (served === version) return { version, seconds: (Date.now() - started) / 1000 };
      last = served ? `still serving ${served}` : `/healthz answered ${r.status}`;
    } catch (e) {
      last = `no Worker answers at ${url} (${(e as Error).cause ? String((e as Error & { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}); start one with \`npm start\` or pass --url`;
    }
    if (Date.now() + intervalMs > deadline) break;
    await new Promise((ok) => setTimeout(ok, intervalMs));
  }
  throw new Error(`${url} did not serve ${version} within ${timeoutSeconds} s: ${last}. The pointer has moved: the model will be served once the Worker re-reads it (or run npm run rollback to undo)`);
}

import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

// the two ways scripts reach Cloudflare bindings through wrangler, one helper each:
//   openLocalBindings: in process, through getPlatformProxy(), on the very files `wrangler dev` uses
//   runWrangler: wrangler's CLI, one process per command (the way to the deployed resources)

export const WRANGLER_CONFIG = 'wrangler.toml';
const WRANGLER = resolve('node_modules/.bin/wrangler');

export interface LocalBindings<Env> {
  env: Env;
  /** an ExecutionContext for calling a Worker's fetch with these bindings */
  ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void };
  dispose(): Promise<void>;
}

/**
 * the bindings of wrangler.toml on the local store under persistTo (wrangler's default:
 * .wrangler/state beside wrangler.toml). wrangler's commands keep their data under <persist-to>/v3;
 * getPlatformProxy takes that v3 folder itself.
 */
export async function openLocalBindings<Env>(persistTo?: string): Promise<LocalBindings<Env>> {
  // wrangler is a big module (seconds to import on a busy machine): only scripts that open a store pay for it
  const { getPlatformProxy } = await import('wrangler');
  const config = resolve(WRANGLER_CONFIG);
  const root = persistTo === undefined ? resolve(config, '..', '.wrangler/state') : resolve(persistTo);
  return getPlatformProxy<Env & Record<string, unknown>>({ configPath: config, persist: { path: join(root, 'v3') }, remoteBindings: false, envFiles: [] });
}

/** `wrangler <args>` with metrics and colour off; rejects with the last lines wrangler printed and `hint` */
export function runWrangler(args: string[], hint = ''): Promise<Buffer> {
  return new Promise((ok, fail) => {
    execFile(
      WRANGLER, args,
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (!error) return ok(stdout);
        const text = (stderr.toString() || stdout.toString()).trim().split('\n').filter((l) => l.trim() !== '').slice(-6).join('\n');
        fail(new Error(`wrangler ${args.slice(0, 3).join(' ')} failed${hint}:\n${text}`));
      },
    );
  });
}

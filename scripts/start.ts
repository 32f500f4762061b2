// npm start [-- --port N] [-- any wrangler dev flag]: makes sure the local KV holds a current model
// (the committed default model, models/default.bin, when it holds none) and the local feedback
// database has its tables, then serves the Worker with `wrangler dev` on http://localhost:8787, or
// on the port --port or the PORT environment variable names. --persist-to DIR (a local store other
// than .wrangler/state) applies to all three steps; every other flag goes to `wrangler dev` as it is.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { withKv } from './lib/kv';
import { readPointer, uploadModel } from './lib/registry';
import { runCli } from './lib/cli';
import { startOptions } from './lib/start-options';

/** the default recipe's model, committed: rebuilt byte for byte by the command in its header */
const DEFAULT_MODEL = 'models/default.bin';
const bin = (name: string) => resolve('node_modules/.bin', name);

// no usage data sent; and no fetch of the Request.cf sample from workers.cloudflare.com, which offline
// printed "getaddrinfo ENOTFOUND workers.cloudflare.com" with a stack trace at every start (miniflare
// then uses its built-in placeholder, as it does now; the Worker reads nothing from request.cf)
const QUIET = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...QUIET, ...process.env, ...env } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', fail);
    child.on('exit', (code, signal) => ok(code ?? (signal ? 0 : 1)));
  });
}

/** what the local KV holds, uploading the default model if it holds nothing */
function ensureModel(persistTo: string | undefined): Promise<string> {
  return withKv({ remote: false, persistTo }, async (kv) => {
    const pointer = await readPointer(kv);
    if (pointer) return `local KV: current model ${pointer.version}`;
    const { model, accuracy } = await uploadModel(DEFAULT_MODEL, kv);
    return `local KV: uploaded ${DEFAULT_MODEL} (${model.version}, ${(accuracy * 100).toFixed(2)}% on the MNIST test set)`;
  });
}

runCli(async () => {
  const { port, persistTo, wranglerArgs } = startOptions(process.argv.slice(2), process.env);
  const store = persistTo ? ['--persist-to', persistTo] : [];
  console.log(await ensureModel(persistTo));
  // idempotent: applies only the migrations the local database has not seen (CI: no confirmation prompt)
  const migrated = await run(bin('wrangler'), ['d1', 'migrations', 'apply', 'mnist-feedback', '--local', ...store], { CI: 'true' });
  if (migrated !== 0) return migrated;
  console.log(`\nstarting the Worker on http://localhost:${port} (Ctrl-C to stop)\n`);
  return run(bin('wrangler'), ['dev', '--port', String(port), ...store, ...wranglerArgs]);
});

// npm start: makes sure the local KV holds a current model (the committed default model,
// models/default.bin, when it holds none) and the local feedback database has its tables, then
// serves the Worker with `wrangler dev` on http://localhost:8787.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { withKv } from './lib/kv';
import { readPointer, uploadModel } from './lib/registry';
import { runCli } from './lib/cli';

const LOCAL = { remote: false };
/** the default recipe's model, committed: rebuilt byte for byte by the command in its header */
const DEFAULT_MODEL = 'models/default.bin';
const bin = (name: string) => resolve('node_modules/.bin', name);

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...env } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', fail);
    child.on('exit', (code, signal) => ok(code ?? (signal ? 0 : 1)));
  });
}

/** what the local KV holds, uploading the default model if it holds nothing */
function ensureModel(): Promise<string> {
  return withKv(LOCAL, async (kv) => {
    const pointer = await readPointer(kv);
    if (pointer) return `local KV: current model ${pointer.version}`;
    const { model, accuracy } = await uploadModel(DEFAULT_MODEL, kv);
    return `local KV: uploaded ${DEFAULT_MODEL} (${model.version}, ${(accuracy * 100).toFixed(2)}% on the MNIST test set)`;
  });
}

runCli(async () => {
  console.log(await ensureModel());
  // idempotent: applies only the migrations the local database has not seen (CI: no confirmation prompt)
  const migrated = await run(bin('wrangler'), ['d1', 'migrations', 'apply', 'mnist-feedback', '--local'], { CI: 'true' });
  if (migrated !== 0) return migrated;
  console.log('\nstarting the Worker on http://localhost:8787 (Ctrl-C to stop)\n');
  return run(bin('wrangler'), ['dev', '--port', '8787', ...process.argv.slice(2)]);
});

// npm start: makes sure the local KV holds a current model (training one with the defaults
// if there is none) and the local feedback database has its tables, then serves the Worker with
// `wrangler dev` on http://localhost:8787.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { withKv } from './lib/kv';
import { readPointer, uploadModel } from './lib/registry';
import { runCli } from './lib/cli';

const LOCAL = { remote: false };
const LATEST = 'runs/latest/model.bin';
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

/** what the local KV holds, uploading the latest training run if it holds nothing; null when there is nothing to upload */
function ensureModel(): Promise<string | null> {
  return withKv(LOCAL, async (kv) => {
    const pointer = await readPointer(kv);
    if (pointer) return `local KV: current model ${pointer.version}`;
    if (!existsSync(LATEST)) return null;
    const { model, accuracy } = await uploadModel(LATEST, kv);
    return `local KV: uploaded ${LATEST} (${model.version}, ${(accuracy * 100).toFixed(2)}% on the MNIST test set)`;
  });
}

runCli(async () => {
  const status = await ensureModel();
  if (status) {
    console.log(status);
  } else {
    console.log('local KV has no model yet: training one with the defaults first (15 to 60 seconds)\n');
    const code = await run(bin('tsx'), ['scripts/train.ts', '--upload', '--min-accuracy', '0.98']);
    if (code !== 0) return code;
  }
  // idempotent: applies only the migrations the local database has not seen (CI: no confirmation prompt)
  const migrated = await run(bin('wrangler'), ['d1', 'migrations', 'apply', 'mnist-feedback', '--local'], { CI: 'true' });
  if (migrated !== 0) return migrated;
  console.log('\nstarting the Worker on http://localhost:8787 (Ctrl-C to stop)\n');
  return run(bin('wrangler'), ['dev', '--port', '8787', ...process.argv.slice(2)]);
});

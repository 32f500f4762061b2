// npm start: makes sure the local KV holds a current model (training one with the defaults
// if there is none), then serves the Worker with `wrangler dev` on http://localhost:8787.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPointer, uploadModel } from './lib/registry';
import { runCli } from './lib/target';

const LOCAL = { remote: false };
const bin = (name: string) => resolve('node_modules/.bin', name);

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', fail);
    child.on('exit', (code, signal) => ok(code ?? (signal ? 0 : 1)));
  });
}

runCli(async () => {
  const pointer = await readPointer(LOCAL);
  if (pointer) {
    console.log(`local KV: current model ${pointer.version}`);
  } else if (existsSync('runs/latest/model.bin')) {
    const { model } = await uploadModel('runs/latest/model.bin', LOCAL);
    console.log(`local KV: uploaded runs/latest/model.bin (${model.version}, ${(model.header.metadata.testAccuracy * 100).toFixed(2)}%)`);
  } else {
    console.log('local KV has no model yet: training one with the defaults first (15 to 60 seconds)\n');
    const code = await run(bin('tsx'), ['scripts/train.ts', '--upload', '--min-accuracy', '0.98']);
    if (code !== 0) return code;
  }
  console.log('\nstarting the Worker on http://localhost:8787 (Ctrl-C to stop)\n');
  return run(bin('wrangler'), ['dev', '--port', '8787', ...process.argv.slice(2)]);
});

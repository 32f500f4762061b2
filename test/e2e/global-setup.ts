import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { decodeModel } from '../../shared/model/format';

// the end-to-end suite's world: a real model (trained once, then reused from artifacts/e2e/),
// uploaded with npm run upload into a temporary local KV, served by `wrangler dev` on a free port.
// tests get the worker's URL and the KV folder through inject().

declare module 'vitest' {
  export interface ProvidedContext {
    worker: string; // http://127.0.0.1:<port>
    persistTo: string; // the local KV folder wrangler dev uses
    scratch: string; // a temporary folder the tests may write into
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const CACHED_MODEL = join(ROOT, 'artifacts/e2e/model.bin');
const LOG = join(ROOT, 'artifacts/e2e/wrangler.log');
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: 'true' };

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(join(BIN, cmd), args, { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`))));
  });
}

/** a model file that decodes: E2E_MODEL, else the cached one, else a 3-epoch training (~20 s, ≈ 97%) */
async function ensureModel(): Promise<string> {
  if (process.env.E2E_MODEL) return resolve(process.env.E2E_MODEL);
  if (existsSync(CACHED_MODEL)) {
    try {
      await decodeModel(new Uint8Array(readFileSync(CACHED_MODEL)));
      return CACHED_MODEL;
    } catch {
      // an older model format: train a new one
    }
  }
  console.log('e2e: training a 3-epoch model into artifacts/e2e (once; later runs reuse it)');
  await run('tsx', ['scripts/train.ts', '--epochs', '3', '--out', join(ROOT, 'artifacts/e2e'), '--no-report', '--min-accuracy', '0.95']);
  return CACHED_MODEL;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string, seconds = 90): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log().slice(-3000)}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not become ready within ${seconds} s:\n${log().slice(-3000)}`);
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'mnist-e2e-'));
  const persistTo = join(scratch, 'kv');
  const model = await ensureModel();
  await run('tsx', ['scripts/upload.ts', model, '--persist-to', persistTo, '--force']);

  const [port, inspector] = [await freePort(), await freePort()];
  const worker = `http://127.0.0.1:${port}`;
  // its own process group, so teardown can stop wrangler and the workerd it starts together
  const child = spawn(join(BIN, 'wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', persistTo], {
    cwd: ROOT,
    env: ENV,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    mkdirSync(join(ROOT, 'artifacts/e2e'), { recursive: true });
    writeFileSync(LOG, log);
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(worker, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  console.log(`e2e: wrangler dev ready on ${worker} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('worker', worker);
  project.provide('persistTo', persistTo);
  project.provide('scratch', scratch);
  return stop;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadMnist } from '../../scripts/lib/mnist';
import { int8File } from '../../scripts/train/model-files';
import { decodeModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';

// the end-to-end suite's world: the default model a fresh clone serves (models/default.bin) and its
// int8 copy, each uploaded with npm run upload into a temporary local KV and served by its own
// `wrangler dev` on a free port. tests get the URLs and the KV folder through inject().

declare module 'vitest' {
  export interface ProvidedContext {
    worker: string; // http://127.0.0.1:<port>, serving the float32 model
    workerInt8: string; // another wrangler dev, serving the int8 file of the same training
    persistTo: string; // the local KV folder the float32 worker uses
    scratch: string; // a temporary folder the tests may write into
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
const ARTIFACTS = join(ROOT, 'artifacts/e2e');
/** what a fresh clone's npm start serves */
const DEFAULT_MODEL = join(ROOT, 'models/default.bin');
// CLOUDFLARE_CF_FETCH_ENABLED=false: no Request.cf download (offline, a getaddrinfo stack trace in every log), as npm start
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1', CI: 'true' };

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

/**
 * the float32 and int8 files to serve: E2E_MODEL (and E2E_MODEL_INT8) when set, else the committed
 * default model and an int8 copy of it written into scratch, whose file states the accuracy the int8
 * weights score on the MNIST test set (as `npm run train -- --int8` writes it)
 */
async function ensureModels(scratch: string): Promise<{ float32: string; int8: string }> {
  if (process.env.E2E_MODEL) {
    const float32 = resolve(process.env.E2E_MODEL);
    return { float32, int8: resolve(process.env.E2E_MODEL_INT8 ?? float32.replace(/\.bin$/, '.int8.bin')) };
  }
  const int8 = join(scratch, 'default.int8.bin');
  const model = await decodeModel(new Uint8Array(readFileSync(DEFAULT_MODEL)));
  const { calibration, uncertainty } = model.header;
  const { file } = await int8File(model.network, model.header.metadata, inputSpecOf(model.header), model.version, loadMnist().test, { calibration, uncertainty });
  writeFileSync(int8, file);
  return { float32: DEFAULT_MODEL, int8 };
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

interface RunningWorker {
  url: string;
  persistTo: string;
  stop(): Promise<void>;
}

/** uploads the model into its own local KV and serves it with wrangler dev on a free port */
async function startWorker(name: string, model: string, persistTo: string): Promise<RunningWorker> {
  await run('tsx', ['scripts/upload.ts', model, '--persist-to', persistTo, '--force']);
  await run('wrangler', ['d1', 'migrations', 'apply', 'mnist-feedback', '--local', '--persist-to', persistTo]);
  const [port, inspector] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
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
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `wrangler-${name}.log`), log);
  };

  try {
    await waitUntilReady(url, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, persistTo, stop };
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'mnist-e2e-'));
  const models = await ensureModels(scratch);
  const workers = await Promise.allSettled([
    startWorker('float32', models.float32, join(scratch, 'kv')),
    startWorker('int8', models.int8, join(scratch, 'kv-int8')),
  ]);
  const stop = async () => {
    await Promise.all(workers.map((w) => (w.status === 'fulfilled' ? w.value.stop() : undefined)));
    rmSync(scratch, { recursive: true, force: true });
  };
  const failed = workers.find((w) => w.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [float32, int8] = workers.map((w) => (w as PromiseFulfilledResult<RunningWorker>).value);
  console.log(`e2e: wrangler dev ready on ${float32.url} (float32) and ${int8.url} (int8) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('worker', float32.url);
  project.provide('workerInt8', int8.url);
  project.provide('persistTo', float32.persistTo);
  project.provide('scratch', scratch);
  return stop;
}

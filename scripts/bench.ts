// npm run bench: training speed of this trainer beside the numpy reference and TensorFlow.js,
// measured in one run on this machine, plus time to 98% and peak memory of a default training.
//   npm run bench -- [--epochs 3] [--skip-full] [--skip-tfjs] [--skip-conv]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { percent, thousands } from './lib/format';
import { DEFAULT_MNIST_DIR, loadMnist } from './lib/mnist';
import { runCli } from './lib/cli';
import { CLASSIC_CONFIG } from './train/config';
import { train } from './train/engine';

interface Row {
  name: string;
  samplesPerSec: number;
  note: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tsx = resolve('node_modules/.bin/tsx');
const NUMPY_SCRIPT = 'scripts/bench/numpy_mlp.py';

// every trainer gets the same work per step: 784-128-10 on MNIST as it is (--preset classic, the
// network the numpy and TensorFlow.js references build) at a constant learning rate
const BENCH_CONFIG = { ...CLASSIC_CONFIG, lr: 0.001, schedule: 'constant' as const };

/** why the numpy reference cannot run here, or null when python3 imports numpy */
function numpyMissing(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return 'python3 is not installed';
  if (r.status !== 0) return 'python3 has no numpy (pip install numpy)';
  return null;
}

function numpyReference(epochs: number, threads?: number): Row | null {
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on these machines for old OpenBLAS builds and slow a current numpy down:
  // unset them for this command only, so the reference runs at its best
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads) env.OPENBLAS_NUM_THREADS = String(threads);
  const c = BENCH_CONFIG;
  const args = [
    NUMPY_SCRIPT, '--epochs', String(epochs), '--data', DEFAULT_MNIST_DIR, '--hidden', c.hidden.join(','), '--batch', String(c.batch),
    '--lr', String(c.lr), '--weight-decay', String(c.weightDecay), '--label-smoothing', String(c.labelSmoothing), '--seed', String(c.seed),
  ];
  const r = spawnSync('python3', args, { env, encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`numpy reference failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { numpy: string; epochs: { samples_per_sec: number; test_accuracy: number }[] };
  const last = out.epochs[out.epochs.length - 1];
  const name = `numpy ${out.numpy} + OpenBLAS, ${threads ? `${threads} thread` : 'all threads'}`;
  return { name, samplesPerSec: median(out.epochs.map((e) => e.samples_per_sec)), note: `${epochs} epochs, test acc ${percent(last.test_accuracy)}` };
}

function tfjs(backend: 'wasm' | 'cpu', samples: number): Row | null {
  try {
    const out = execFileSync(tsx, ['scripts/bench/tfjs.ts', backend, String(samples), '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    return { name: `TensorFlow.js 4.22 ${backend === 'wasm' ? 'wasm backend (SIMD)' : 'pure-JS cpu backend'}`, samplesPerSec: r.samples_per_sec, note: `${thousands(samples)} samples` };
  } catch (e) {
    console.log(`tfjs ${backend} skipped: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

runCli(async () => {
  const { values } = parseArgs({ options: { epochs: { type: 'string' }, 'skip-full': { type: 'boolean' }, 'skip-tfjs': { type: 'boolean' }, 'skip-conv': { type: 'boolean' } } });
  const epochs = Number(values.epochs ?? 3);
  console.log(`benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · node ${process.version}\n784-128-10, Adam, batch 64, ${epochs} epochs of 60,000 images (median epoch)\n`);
  const data = loadMnist();
  const rows: Row[] = [];
  for (const threads of [1, 2]) {
    const r = await train({ ...BENCH_CONFIG, epochs, threads }, data);
    const last = r.epochs[r.epochs.length - 1];
    rows.push({ name: `this trainer, ${threads} thread${threads > 1 ? 's' : ''}`, samplesPerSec: median(r.epochs.map((e) => e.samplesPerSec)), note: `test acc ${percent(last.testAccuracy)}` });
    console.log(`  ${rows[rows.length - 1].name}: ${thousands(rows[rows.length - 1].samplesPerSec)} samples/s`);
  }
  const missing = numpyMissing();
  if (missing) console.log(`  numpy reference skipped: ${missing}`);
  else {
    // numpy as it runs by default (all cores), then held to one thread for a per-core comparison
    for (const numpy of [numpyReference(epochs), numpyReference(epochs, 1)]) {
      if (!numpy) continue;
      rows.push(numpy);
      console.log(`  ${numpy.name}: ${thousands(numpy.samplesPerSec)} samples/s`);
    }
  }
  if (!values['skip-tfjs']) {
    for (const row of [tfjs('wasm', 19200), tfjs('cpu', 3200)]) {
      if (!row) continue;
      rows.push(row);
      console.log(`  ${row.name}: ${thousands(row.samplesPerSec)} samples/s`);
    }
  }

  const ours = rows[1].samplesPerSec;
  console.log(`\n${'trainer'.padEnd(52)}${'samples/s'.padStart(12)}  ${'ours ÷ it'.padStart(9)}  note`);
  for (const r of rows) console.log(`${r.name.padEnd(52)}${thousands(r.samplesPerSec).padStart(12)}  ${(ours / r.samplesPerSec).toFixed(2).padStart(9)}  ${r.note}`);

  // the conv layers beside tfjs's conv2d (scripts/bench/conv.ts), in a child so tfjs's backends stay out of this process
  let conv: unknown[] = [];
  if (!values['skip-conv']) {
    console.log('\nconv layers, ours beside TensorFlow.js (scripts/bench/conv.ts) …');
    try {
      const out = execFileSync(tsx, ['scripts/bench/conv.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = out.split('\n');
      console.log(lines.filter((l) => /^(batch|layer|conv )/.test(l)).join('\n'));
      conv = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    } catch (e) {
      console.log(`conv bench skipped: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  let full: Record<string, unknown> | null = null;
  if (!values['skip-full']) {
    console.log('\ndefault training (npm run train), in a child process to measure its own peak memory …');
    mkdirSync('runs/bench', { recursive: true });
    const r = spawnSync(tsx, ['scripts/train.ts', '--out', 'runs/bench', '--no-report'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status === 0) {
      full = JSON.parse(readFileSync('runs/bench/summary.json', 'utf8'));
      const f = full as { testAccuracy: number; secondsTo98: number | null; seconds: number; peakRssMB: number; trainSamplesPerSec: number };
      console.log(
        `test accuracy ${percent(f.testAccuracy)} · 98% reached after ${f.secondsTo98?.toFixed(1) ?? 'never'} s · ${f.seconds.toFixed(1)} s in all · ` +
          `${thousands(f.trainSamplesPerSec)} samples/s · peak memory ${thousands(f.peakRssMB)} MB`,
      );
    }
  }
  mkdirSync('runs', { recursive: true });
  writeFileSync('runs/bench.json', JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, rows, conv, full }, null, 2));
  console.log('\nwritten runs/bench.json');
});

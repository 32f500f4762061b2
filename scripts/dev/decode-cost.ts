// what decoding costs POST /read against what shared/model/read-cost.ts charges for it: CPU of
// worker/read.ts inkFromImage (decode and ink map; medians of 21 runs after 3 warm-up passes) for the
// JPEG fixtures and PNGs of numbers on the 600×200 pad and other sizes, gray, RGB and RGBA, flat or
// grained. a charge below 1.1× its CPU is a picture the budget under-prices: refit the charges then.
// npx tsx scripts/dev/decode-cost.ts
import { readdirSync, readFileSync } from 'node:fs';
import { limitsFor } from '../../shared/limits';
import { COLUMN_MS } from '../../shared/model/read-cost';
import { createRng } from '../../shared/rng';
import { inkFromImage } from '../../worker/read';
import { CHANNELS, encodeAnyPng } from '../lib/png';
import { loadMnist } from '../lib/mnist';
import { numberInk } from '../lib/number-ink';

const limits = limitsFor('free');
const files: [string, Uint8Array][] = readdirSync('test/fixtures/jpeg').filter((f) => f.endsWith('.jpg')).map((f) => [f, new Uint8Array(readFileSync(`test/fixtures/jpeg/${f}`))]);
const mnist = loadMnist().test.images;
for (const [W, H] of [[600, 200], [300, 100], [600, 300], [400, 400], [280, 280]]) {
  const ink = numberInk(mnist, 6, W, H, 12, 3.5);
  for (const colorType of [0, 2, 6] as const) {
    for (const grain of [false, true]) {
      const rng = createRng(W + H);
      const samples = new Uint16Array(W * H * CHANNELS[colorType]);
      for (let i = 0; i < W * H; i++) {
        const paper = Math.round(235 - (205 * ink[i]) / 255 + (grain ? rng.int(7) - 3 : 0));
        if (colorType === 0) samples[i] = paper;
        else if (colorType === 2) samples.set([paper, paper, paper], i * 3);
        else samples.set([20, 30, 120, Math.min(255, Math.round(ink[i]) + (grain ? rng.int(7) : 0))], i * 4);
      }
      files.push([`${W}×${H} ${['gray', '', 'RGB', '', '', '', 'RGBA'][colorType]}${grain ? ' grained' : ''}.png`, encodeAnyPng({ width: W, height: H, bitDepth: 8, colorType, samples, filter: 4 })]);
    }
  }
}
const accepted = [];
for (const [name, bytes] of files) {
  try {
    await inkFromImage(bytes, limits);
    accepted.push([name, bytes] as const);
  } catch {
    console.log(`${name}: refused by the free plan's limits`);
  }
}
for (let pass = 0; pass < 3; pass++) for (const [, bytes] of accepted) await inkFromImage(bytes, limits);
let worst = Infinity;
for (const [name, bytes] of accepted) {
  const times: number[] = [];
  let charged = 0;
  for (let i = 0; i < 21; i++) {
    const t = process.cpuUsage();
    charged = (await inkFromImage(bytes, limits)).decodeColumns * COLUMN_MS;
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const ms = times[10];
  worst = Math.min(worst, charged / ms);
  console.log(`${name.padEnd(36)} ${String(bytes.length).padStart(7)} B  measured ${ms.toFixed(2)} ms  charged ${charged.toFixed(2)} ms`);
}
console.log(`lowest charge / CPU: ${worst.toFixed(2)}`);

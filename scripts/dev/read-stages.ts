// CPU of POST /read's stages on bench:edge's costliest classes (npx tsx scripts/dev/read-stages.ts):
// decode, ink map, reading (labelling, cutting, the forward pass), and bench:edge's RGBA canvas of 6 digits. quick before/after; bench:edge is the budget's word.
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readInk } from '../../shared/model/read';
import { limitsFor } from '../../shared/limits';
import { inkFromImage } from '../../worker/read';
import { encodeAnyPng } from '../lib/png';
import { createRng } from '../../shared/rng';
import { loadMnist } from '../lib/mnist';
import { numberInk } from '../lib/number-ink';

const model = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
let B = 0, forward = 0;
const predictor = { predictPacked: (p: Float32Array, b: number) => { B = b; const t = process.cpuUsage(); const r = model.predictPacked(p, b); const d = process.cpuUsage(t); forward += (d.user + d.system) / 1000; return r; } };
const limits = limitsFor('free');
const W = 600, H = 200;
const rng = createRng(5);
const noiseInk = Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.2 ? 255 : 0));
const grain = createRng(W + H);
const noisePng = encodeAnyPng({ width: W, height: H, bitDepth: 8, colorType: 0, samples: Uint16Array.from(noiseInk, (v) => Math.round(Math.min(255, Math.max(0, 235 - (205 * v) / 255 + grain.int(7) - 3)))), filter: 4 });
// bench:edge's RGBA canvas class: its numberInk (6 MNIST digits 3.5× their size, 12 px apart) as strokes on a transparent canvas
const mnist = loadMnist().test.images;
const digitsInk = numberInk(mnist, 6, W, H, 12, 3.5);
const rgba = new Uint16Array(W * H * 4);
for (let i = 0; i < W * H; i++) rgba.set([20, 30, 120, Math.round(digitsInk[i])], i * 4);
const rgbaPng = encodeAnyPng({ width: W, height: H, bitDepth: 8, colorType: 6, samples: rgba, filter: 4 });
const cases: Record<string, Uint8Array> = {
  rgba: rgbaPng,
  baseline: new Uint8Array(readFileSync('test/fixtures/jpeg/number-640x480.jpg')),
  progressive: new Uint8Array(readFileSync('test/fixtures/jpeg/number-640x480-progressive.jpg')),
  noise: noisePng,
};
const N = Number(process.env.N ?? 60);
const ms = (t: NodeJS.CpuUsage) => { const d = process.cpuUsage(t); return (d.user + d.system) / 1000; };
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, bytes] of Object.entries(cases)) {
  const dec: number[] = [], rd: number[] = [], fw: number[] = [];
  let text = '', size = '';
  const all: number[] = [];
  for (let i = 0; i < N; i++) {
    let t = process.cpuUsage();
    const ink = (await inkFromImage(bytes, limits, undefined)).picture;
    dec.push(ms(t));
    size = `${ink.width}x${ink.height}/${ink.factor}`;
    forward = 0;
    t = process.cpuUsage();
    try { text = readInk(ink, predictor).text; } catch (e) { text = String(e); }
    rd.push(ms(t));
    fw.push(forward);
    all.push(dec[dec.length - 1] + rd[rd.length - 1]);
  }
  console.log(name.padEnd(12), size.padEnd(12), 'ink p50', median(dec).toFixed(2), 'read p50', median(rd).toFixed(2), '(forward', median(fw).toFixed(2), 'B', B + ')', 'both p90', [...all].sort((x, y) => x - y)[Math.floor(0.9 * all.length)].toFixed(2), text.slice(0, 60));
}

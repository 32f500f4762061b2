// CPU of readPicture on the bench's hard classes (speckled noise, 12 touching digits), in this process
// (npx tsx scripts/dev/read-cost.ts): quick before/after for cut changes; bench:edge is the budget's word.
import { readFileSync } from 'node:fs';
import { D } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readPicture } from '../../shared/model/read';
import { loadMnist } from '../lib/mnist';

const model = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
let B = 0, forward = 0;
const predictor = { predictPacked: (p: Float32Array, b: number) => { B = b; const t = process.cpuUsage(); const r = model.predictPacked(p, b); const d = process.cpuUsage(t); forward += (d.user + d.system) / 1000; return r; } };
const mnist = loadMnist().test.images;
const W = 600, H = 200;
const paper = (ink: Float32Array) => ({ width: W, height: H, gray: ink.map((v) => 235 - (205 * v) / 255), alpha: null });
function touching(n: number, scale: number, step: number) {
  const ink = new Float32Array(W * H);
  let at = 8;
  for (let k = 0; k < n; k++) {
    const s = 28 * scale;
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
      const v = mnist[k * D + Math.floor(y / scale) * 28 + Math.floor(x / scale)];
      const p = (Math.round((H - s) / 2) + y) * W + at + x;
      if (v && at + x < W) ink[p] = Math.max(ink[p], v);
    }
    at += step;
  }
  return paper(ink);
}
const rng = createRng(5);
const cases = {
  noise: paper(Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.2 ? 255 : 0))),
  touching6: touching(6, 4, 84),
  touching12: touching(12, 2.6, 48),
};
for (const [name, img] of Object.entries(cases)) {
  const times: number[] = [];
  forward = 0;
  let text = '';
  for (let i = 0; i < Number(process.env.N ?? 40); i++) {
    const t = process.cpuUsage();
    (globalThis as any).__area = 0;
    try { text = readPicture(img, predictor).text; } catch (e) { text = String(e); }
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(12), 'p50', times[20].toFixed(2), 'p90', times[36].toFixed(2), 'ms', 'forward mean', (forward / 40).toFixed(2), 'B', B, 'area', (globalThis as any).__area, text.slice(0, 40));
}

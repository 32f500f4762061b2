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
// bench:edge's touching classes (scripts/bench/edge.ts numberInk, bigDigit), copied
function bigDigit(digit: Uint8Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const size = Math.max(28, Math.round(side * 0.7));
  const off = Math.floor((side - size) / 2);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const sy = Math.min(27, Math.max(0, ((y + 0.5) * 28) / size - 0.5)), sx = Math.min(27, Math.max(0, ((x + 0.5) * 28) / size - 0.5));
    const y0 = Math.floor(sy), x0 = Math.floor(sx), y1 = Math.min(27, y0 + 1), x1 = Math.min(27, x0 + 1), fy = sy - y0, fx = sx - x0;
    const at = (yy: number, xx: number) => digit[yy * 28 + xx];
    out[(y + off) * side + x + off] = (at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy;
  }
  return out;
}
function numberInk(count: number, gap: number, scale: number) {
  const ink = new Float32Array(W * H);
  let at = 12;
  const side = Math.round((28 * scale) / 0.7);
  for (let k = 0; k < count; k++) {
    const big = bigDigit(mnist.subarray(k * D, (k + 1) * D), side);
    let l = side, r = -1;
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (big[y * side + x] > 0) { l = Math.min(l, x); r = Math.max(r, x); }
    const top = Math.max(0, Math.floor((H - side) / 2));
    for (let y = 0; y < Math.min(side, H); y++) for (let x = l; x <= r && at + x - l < W; x++) {
      const o = (top + y) * W + at + x - l;
      ink[o] = Math.max(ink[o], big[y * side + x]);
    }
    at += r - l + 1 + gap;
  }
  return paper(ink);
}
const rng = createRng(5);
const cases = {
  noise: paper(Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.2 ? 255 : 0))),
  touching6: numberInk(6, -6, 3.5),
  touching12: numberInk(12, -4, 1.8),
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

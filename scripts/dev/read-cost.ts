// CPU of readPicture on the bench's hard classes (speckled noise, 12 touching digits), in this process
// (npx tsx scripts/dev/read-cost.ts; READER=none without the line reader, READER=FILE another one):
// quick before/after for cut changes; bench:edge is the budget's word.
import { readFileSync } from 'node:fs';
import { createRng } from '../../shared/rng';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readPicture } from '../../shared/model/read';
import { decodeLineReader } from '../../shared/model/line-reader';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { loadMnist } from '../lib/mnist';
import { numberInk } from '../lib/number-ink';

const model = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
let B = 0, forward = 0;
const lineReader = process.env.READER === 'none' ? null : process.env.READER ? await decodeLineReader(new Uint8Array(readFileSync(process.env.READER))) : await bundledLineReader();
const predictor = { lineReader, predictPacked: (p: Float32Array, b: number) => { B = b; const t = process.cpuUsage(); const r = model.predictPacked(p, b); const d = process.cpuUsage(t); forward += (d.user + d.system) / 1000; return r; } };
const mnist = loadMnist().test.images;
const W = 600, H = 200;
const paper = (ink: Float32Array) => ({ width: W, height: H, gray: ink.map((v) => 235 - (205 * v) / 255), alpha: null });
const rng = createRng(5);
const cases = {
  noise: paper(Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.2 ? 255 : 0))),
  // bench:edge's touching classes
  touching6: paper(numberInk(mnist, 6, W, H, -6, 3.5)),
  touching12: paper(numberInk(mnist, 12, W, H, -4, 1.8)),
};
for (const [name, img] of Object.entries(cases)) {
  const times: number[] = [];
  forward = 0;
  let text = '';
  const n = Number(process.env.N ?? 40);
  for (let i = 0; i < n; i++) {
    const t = process.cpuUsage();
    (globalThis as any).__area = 0;
    try { text = readPicture(img, predictor).text; } catch (e) { text = String(e); }
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(12), 'p50', times[Math.floor(n / 2)].toFixed(2), 'p90', times[Math.floor(n * 0.9)].toFixed(2), 'ms', 'forward mean', (forward / n).toFixed(2), 'B', B, 'area', (globalThis as any).__area, text.slice(0, 40));
}

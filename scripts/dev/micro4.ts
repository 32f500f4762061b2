// forward layer-1 variants by CPU time
import { loadMnist } from '../lib/mnist';
const m = loadMnist();
const H = 128, B = 64, IN = 784;
const x = new Float32Array(B * IN); for (let i = 0; i < B * IN; i++) x[i] = m.train.images[i] / 255;
const W = new Float32Array(IN * H).map(() => Math.random() - 0.5), bias = new Float32Array(H);
const out = new Float32Array(B * H);
function plain(out: Float32Array, inp: Float32Array, weight: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H; for (let j = 0; j < H; j++) out[o + j] = bias[j]; const xo = b * IN;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v === 0) continue; const w = i * H; for (let j = 0; j < H; j++) out[o + j] += v * weight[w + j]; } }
}
// two input pixels at a time: one load/store of out per two FMAs
const nzI = new Int32Array(IN), nzV = new Float64Array(IN);
function pairs(out: Float32Array, inp: Float32Array, weight: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H; const xo = b * IN; let n = 0;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { nzI[n] = i * H; nzV[n] = v; n++; } }
    for (let j = 0; j < H; j++) out[o + j] = bias[j];
    let t = 0;
    for (; t + 3 < n; t += 4) { const w1 = nzI[t], w2 = nzI[t + 1], w3 = nzI[t + 2], w4 = nzI[t + 3]; const v1 = nzV[t], v2 = nzV[t + 1], v3 = nzV[t + 2], v4 = nzV[t + 3];
      for (let j = 0; j < H; j++) out[o + j] += v1 * weight[w1 + j] + v2 * weight[w2 + j] + v3 * weight[w3 + j] + v4 * weight[w4 + j]; }
    for (; t < n; t++) { const w1 = nzI[t], v1 = nzV[t]; for (let j = 0; j < H; j++) out[o + j] += v1 * weight[w1 + j]; } }
}
const acc = new Float64Array(H);
function pairs64(out: Float32Array, inp: Float32Array, weight: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H; const xo = b * IN; let n = 0;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { nzI[n] = i * H; nzV[n] = v; n++; } }
    for (let j = 0; j < H; j++) acc[j] = bias[j];
    let t = 0;
    for (; t + 3 < n; t += 4) { const w1 = nzI[t], w2 = nzI[t + 1], w3 = nzI[t + 2], w4 = nzI[t + 3]; const v1 = nzV[t], v2 = nzV[t + 1], v3 = nzV[t + 2], v4 = nzV[t + 3];
      for (let j = 0; j < H; j++) acc[j] += v1 * weight[w1 + j] + v2 * weight[w2 + j] + v3 * weight[w3 + j] + v4 * weight[w4 + j]; }
    for (; t < n; t++) { const w1 = nzI[t], v1 = nzV[t]; for (let j = 0; j < H; j++) acc[j] += v1 * weight[w1 + j]; }
    for (let j = 0; j < H; j++) out[o + j] = acc[j]; }
}
const variants: [string, () => void][] = [['plain', () => plain(out, x, W)], ['quad', () => pairs(out, x, W)], ['quad64', () => pairs64(out, x, W)]];
const ref = new Float32Array(B * H); plain(ref, x, W);
for (let rep = 0; rep < 3; rep++) for (const [name, f] of variants) {
  for (let r = 0; r < 30; r++) f();
  let maxd = 0; for (let i = 0; i < ref.length; i++) maxd = Math.max(maxd, Math.abs(ref[i] - out[i]));
  const c0 = process.cpuUsage(); for (let r = 0; r < 300; r++) f(); const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((c.user + c.system) / (300 * B)).toFixed(2), 'us cpu/sample', 'maxdiff', maxd.toExponential(1));
}
function oct(out: Float32Array, inp: Float32Array, weight: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H; const xo = b * IN; let n = 0;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { nzI[n] = i * H; nzV[n] = v; n++; } }
    for (let j = 0; j < H; j++) out[o + j] = bias[j];
    let t = 0;
    for (; t + 7 < n; t += 8) { const w1 = nzI[t], w2 = nzI[t + 1], w3 = nzI[t + 2], w4 = nzI[t + 3], w5 = nzI[t + 4], w6 = nzI[t + 5], w7 = nzI[t + 6], w8 = nzI[t + 7];
      const v1 = nzV[t], v2 = nzV[t + 1], v3 = nzV[t + 2], v4 = nzV[t + 3], v5 = nzV[t + 4], v6 = nzV[t + 5], v7 = nzV[t + 6], v8 = nzV[t + 7];
      for (let j = 0; j < H; j++) out[o + j] += v1 * weight[w1 + j] + v2 * weight[w2 + j] + v3 * weight[w3 + j] + v4 * weight[w4 + j] + v5 * weight[w5 + j] + v6 * weight[w6 + j] + v7 * weight[w7 + j] + v8 * weight[w8 + j]; }
    for (; t < n; t++) { const w1 = nzI[t], v1 = nzV[t]; for (let j = 0; j < H; j++) out[o + j] += v1 * weight[w1 + j]; } }
}
for (let rep = 0; rep < 3; rep++) for (const [name, f] of [['quad', () => pairs(out, x, W)], ['oct', () => oct(out, x, W)]] as [string, () => void][]) {
  for (let r = 0; r < 30; r++) f();
  const c0 = process.cpuUsage(); for (let r = 0; r < 300; r++) f(); const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((c.user + c.system) / (300 * B)).toFixed(2), 'us cpu/sample');
}

// compares layer-1 weight-gradient variants by CPU time (robust-ish on a loaded machine)
import { loadMnist } from '../lib/mnist';
const m = loadMnist();
const H = 128, B = 64, IN = 784;
const x = new Float32Array(B * IN); for (let i = 0; i < B * IN; i++) x[i] = m.train.images[i] / 255;
const dz = new Float32Array(B * H); for (let i = 0; i < dz.length; i++) dz[i] = Math.random() < 0.57 ? 0 : Math.random() - 0.5;
const dW = new Float32Array(IN * H);
function plain(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H, xo = b * IN;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v === 0) continue; const w = i * H; for (let j = 0; j < H; j++) dweight[w + j] += v * dout[o + j]; } }
}
const idx = new Int32Array(H), val = new Float32Array(H);
function compact(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H, xo = b * IN; let n = 0;
    for (let j = 0; j < H; j++) { const g = dout[o + j]; if (g !== 0) { idx[n] = j; val[n] = g; n++; } }
    if (n === 0) continue;
    for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v === 0) continue; const w = i * H; for (let t = 0; t < n; t++) dweight[w + idx[t]] += v * val[t]; } }
}
// pixel-major over the batch: dW row stays in L1 across samples
const cnt = new Int32Array(IN), nzB = new Int32Array(IN * B), nzV = new Float32Array(IN * B);
function pixelMajor(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  cnt.fill(0);
  for (let b = 0; b < B; b++) { const xo = b * IN; for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { const c = cnt[i]++; nzB[i * B + c] = b * H; nzV[i * B + c] = v; } } }
  for (let i = 0; i < IN; i++) { const n = cnt[i]; if (n === 0) continue; const w = i * H, base = i * B;
    for (let t = 0; t < n; t++) { const o = nzB[base + t], v = nzV[base + t]; for (let j = 0; j < H; j++) dweight[w + j] += v * dout[o + j]; } }
}
const variants: [string, () => void][] = [['plain', () => plain(dW, dz, x)], ['compact', () => compact(dW, dz, x)], ['pixelMajor', () => pixelMajor(dW, dz, x)]];
for (let rep = 0; rep < 3; rep++) for (const [name, f] of variants) {
  for (let r = 0; r < 30; r++) f();
  const c0 = process.cpuUsage(); for (let r = 0; r < 300; r++) f(); const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((c.user + c.system) / (300 * B)).toFixed(2), 'us cpu/sample');
}
const po = new Int32Array(IN), pv = new Float64Array(IN);
function compactQuad(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  for (let b = 0; b < B; b++) { const o = b * H, xo = b * IN; let n = 0;
    for (let j = 0; j < H; j++) { const g = dout[o + j]; if (g !== 0) { idx[n] = j; val[n] = g; n++; } }
    if (n === 0) continue;
    let m = 0; for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { po[m] = i * H; pv[m] = v; m++; } }
    let p = 0;
    for (; p + 3 < m; p += 4) { const w1 = po[p], w2 = po[p + 1], w3 = po[p + 2], w4 = po[p + 3], v1 = pv[p], v2 = pv[p + 1], v3 = pv[p + 2], v4 = pv[p + 3];
      for (let t = 0; t < n; t++) { const c = idx[t], g = val[t]; dweight[w1 + c] += v1 * g; dweight[w2 + c] += v2 * g; dweight[w3 + c] += v3 * g; dweight[w4 + c] += v4 * g; } }
    for (; p < m; p++) { const w = po[p], v = pv[p]; for (let t = 0; t < n; t++) dweight[w + idx[t]] += v * val[t]; } }
}
for (let rep = 0; rep < 3; rep++) for (const [name, f] of [['compact', () => compact(dW, dz, x)], ['compactQuad', () => compactQuad(dW, dz, x)]] as [string, () => void][]) {
  for (let r = 0; r < 30; r++) f();
  const c0 = process.cpuUsage(); for (let r = 0; r < 300; r++) f(); const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((c.user + c.system) / (300 * B)).toFixed(2), 'us cpu/sample');
}

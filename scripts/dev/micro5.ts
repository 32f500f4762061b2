import { loadMnist } from '../lib/mnist';
const m = loadMnist();
const H = 128, B = 64, IN = 784;
const x = new Float32Array(B * IN); for (let i = 0; i < B * IN; i++) x[i] = m.train.images[i] / 255;
const dz = new Float32Array(B * H); for (let i = 0; i < dz.length; i++) dz[i] = Math.random() < 0.57 ? 0 : Math.random() - 0.5;
const dW = new Float32Array(IN * H);
const cnt = new Int32Array(IN), nzB = new Int32Array(IN * B), nzV = new Float64Array(IN * B);
function pixelMajorQuad(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  cnt.fill(0);
  for (let b = 0; b < B; b++) { const xo = b * IN; for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { const c = cnt[i]++; nzB[i * B + c] = b * H; nzV[i * B + c] = v; } } }
  for (let i = 0; i < IN; i++) { const n = cnt[i]; if (n === 0) continue; const w = i * H, base = i * B; let t = 0;
    for (; t + 3 < n; t += 4) { const o1 = nzB[base + t], o2 = nzB[base + t + 1], o3 = nzB[base + t + 2], o4 = nzB[base + t + 3]; const v1 = nzV[base + t], v2 = nzV[base + t + 1], v3 = nzV[base + t + 2], v4 = nzV[base + t + 3];
      for (let j = 0; j < H; j++) dweight[w + j] += v1 * dout[o1 + j] + v2 * dout[o2 + j] + v3 * dout[o3 + j] + v4 * dout[o4 + j]; }
    for (; t < n; t++) { const o = nzB[base + t], v = nzV[base + t]; for (let j = 0; j < H; j++) dweight[w + j] += v * dout[o + j]; } }
}
function pixelMajorOct(dweight: Float32Array, dout: Float32Array, inp: Float32Array) {
  cnt.fill(0);
  for (let b = 0; b < B; b++) { const xo = b * IN; for (let i = 0; i < IN; i++) { const v = inp[xo + i]; if (v !== 0) { const c = cnt[i]++; nzB[i * B + c] = b * H; nzV[i * B + c] = v; } } }
  for (let i = 0; i < IN; i++) { const n = cnt[i]; if (n === 0) continue; const w = i * H, base = i * B; let t = 0;
    for (; t + 7 < n; t += 8) { const o1 = nzB[base + t], o2 = nzB[base + t + 1], o3 = nzB[base + t + 2], o4 = nzB[base + t + 3], o5 = nzB[base + t + 4], o6 = nzB[base + t + 5], o7 = nzB[base + t + 6], o8 = nzB[base + t + 7];
      const v1 = nzV[base + t], v2 = nzV[base + t + 1], v3 = nzV[base + t + 2], v4 = nzV[base + t + 3], v5 = nzV[base + t + 4], v6 = nzV[base + t + 5], v7 = nzV[base + t + 6], v8 = nzV[base + t + 7];
      for (let j = 0; j < H; j++) dweight[w + j] += v1 * dout[o1 + j] + v2 * dout[o2 + j] + v3 * dout[o3 + j] + v4 * dout[o4 + j] + v5 * dout[o5 + j] + v6 * dout[o6 + j] + v7 * dout[o7 + j] + v8 * dout[o8 + j]; }
    for (; t < n; t++) { const o = nzB[base + t], v = nzV[base + t]; for (let j = 0; j < H; j++) dweight[w + j] += v * dout[o + j]; } }
}
const variants: [string, () => void][] = [['pmQuad', () => pixelMajorQuad(dW, dz, x)], ['pmOct', () => pixelMajorOct(dW, dz, x)]];
for (let rep = 0; rep < 3; rep++) for (const [name, f] of variants) {
  for (let r = 0; r < 30; r++) f();
  const c0 = process.cpuUsage(); for (let r = 0; r < 300; r++) f(); const c = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((c.user + c.system) / (300 * B)).toFixed(2), 'us cpu/sample');
}

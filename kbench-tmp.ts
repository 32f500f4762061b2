import { linearForward } from './shared/model/kernels/linear';
const IN = 784, OUT = 128;
const W = new Float32Array(IN * OUT).map(() => Math.random() - 0.5);
const bias = new Float32Array(OUT).map(() => Math.random());
let nzI = new Int32Array(IN), nzV = new Float64Array(IN);
function gather(index: Int32Array, value: Float64Array, a: Float32Array, from: number, n: number, stride: number) {
  let c = 0; for (let i = 0; i < n; i++) { const v = a[from + i]; if (v !== 0) { index[c] = i * stride; value[c] = v; c++; } } return c;
}
// variant: 4 outputs in registers, fround per 8-row block
function linJ4(out: Float32Array, inp: Float32Array, weight: Float32Array, bias: Float32Array, B: number, IN: number, OUT: number) {
  const rows = nzI, vals = nzV; const fr = Math.fround;
  for (let b = 0; b < B; b++) {
    const n = gather(rows, vals, inp, b * IN, IN, OUT);
    const o = b * OUT;
    let j = 0;
    for (; j + 3 < OUT; j += 4) {
      let a0 = bias[j], a1 = bias[j + 1], a2 = bias[j + 2], a3 = bias[j + 3];
      let t = 0;
      for (; t + 7 < n; t += 8) {
        const r1 = rows[t] + j, r2 = rows[t + 1] + j, r3 = rows[t + 2] + j, r4 = rows[t + 3] + j, r5 = rows[t + 4] + j, r6 = rows[t + 5] + j, r7 = rows[t + 6] + j, r8 = rows[t + 7] + j;
        const v1 = vals[t], v2 = vals[t + 1], v3 = vals[t + 2], v4 = vals[t + 3], v5 = vals[t + 4], v6 = vals[t + 5], v7 = vals[t + 6], v8 = vals[t + 7];
        a0 = fr(a0 + (v1 * weight[r1] + v2 * weight[r2] + v3 * weight[r3] + v4 * weight[r4] + v5 * weight[r5] + v6 * weight[r6] + v7 * weight[r7] + v8 * weight[r8]));
        a1 = fr(a1 + (v1 * weight[r1 + 1] + v2 * weight[r2 + 1] + v3 * weight[r3 + 1] + v4 * weight[r4 + 1] + v5 * weight[r5 + 1] + v6 * weight[r6 + 1] + v7 * weight[r7 + 1] + v8 * weight[r8 + 1]));
        a2 = fr(a2 + (v1 * weight[r1 + 2] + v2 * weight[r2 + 2] + v3 * weight[r3 + 2] + v4 * weight[r4 + 2] + v5 * weight[r5 + 2] + v6 * weight[r6 + 2] + v7 * weight[r7 + 2] + v8 * weight[r8 + 2]));
        a3 = fr(a3 + (v1 * weight[r1 + 3] + v2 * weight[r2 + 3] + v3 * weight[r3 + 3] + v4 * weight[r4 + 3] + v5 * weight[r5 + 3] + v6 * weight[r6 + 3] + v7 * weight[r7 + 3] + v8 * weight[r8 + 3]));
      }
      for (; t < n; t++) {
        const r = rows[t] + j, v = vals[t];
        a0 = fr(a0 + v * weight[r]); a1 = fr(a1 + v * weight[r + 1]); a2 = fr(a2 + v * weight[r + 2]); a3 = fr(a3 + v * weight[r + 3]);
      }
      out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
    }
    for (; j < OUT; j++) {
      let a = bias[j]; let t = 0;
      for (; t + 7 < n; t += 8) a = fr(a + (vals[t] * weight[rows[t] + j] + vals[t + 1] * weight[rows[t + 1] + j] + vals[t + 2] * weight[rows[t + 2] + j] + vals[t + 3] * weight[rows[t + 3] + j] + vals[t + 4] * weight[rows[t + 4] + j] + vals[t + 5] * weight[rows[t + 5] + j] + vals[t + 6] * weight[rows[t + 6] + j] + vals[t + 7] * weight[rows[t + 7] + j]));
      for (; t < n; t++) a = fr(a + vals[t] * weight[rows[t] + j]);
      out[o + j] = a;
    }
  }
}
function cpu(f: () => void, n: number) { const t = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const d = process.cpuUsage(t); return (d.user + d.system) / n; }
for (const density of [1, 0.19]) {
  const B = 64;
  const x = new Float32Array(B * IN).map(() => (Math.random() < density ? Math.random() : 0));
  const o1 = new Float32Array(B * OUT), o2 = new Float32Array(B * OUT);
  linearForward(o1, x, W, bias, B, IN, OUT); linJ4(o2, x, W, bias, B, IN, OUT);
  console.log('identical', o1.every((v, i) => Object.is(v, o2[i])));
  for (let r = 0; r < 3; r++) {
    console.log(density, 'current µs/img', (cpu(() => linearForward(o1, x, W, bias, B, IN, OUT), 50) / B).toFixed(1), 'j4', (cpu(() => linJ4(o2, x, W, bias, B, IN, OUT), 50) / B).toFixed(1));
  }
}

// the conv kernels (shared/model/kernels/conv2d.ts) beside TensorFlow.js's conv2d, on the CNN
// layers and real MNIST digits: tsx scripts/bench/conv.ts [--batch 64] [--reps 20]. the forward pass
// against the wasm backend; forward + backward against the cpu (plain JS) backend, because tfjs's wasm
// backend has no Conv2DBackpropFilter kernel (4.22). prints a table and one JSON line per layer; one
// thread each, medians over the repetitions.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { D } from '../../shared/dims';
import { conv2dBackward, conv2dForward, convOutSide, type ConvShape } from '../../shared/model/kernels/conv2d';
import { createRng } from '../../shared/rng';
import { loadMnist } from '../lib/mnist';

const { values } = parseArgs({ options: { batch: { type: 'string' }, reps: { type: 'string' } } });
const B = Number(values.batch ?? 64), REPS = Number(values.reps ?? 20);

const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
setWasmPaths(join(dist, '/'));
await tf.setBackend('wasm');
await tf.ready();

function shape(side: number, IC: number, OC: number): ConvShape {
  const O = convOutSide(side, 3, 2, 0);
  return { H: side, W: side, IC, OH: O, OW: O, OC, KH: 3, KW: 3, stride: 2, pad: 0 };
}
const layers: [string, ConvShape][] = [['conv 3×3 s2, 1 → 16 ch (28×28 → 13×13)', shape(28, 1, 16)], ['conv 3×3 s2, 16 → 32 ch (13×13 → 6×6)', shape(13, 16, 32)]];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(fn: () => void): number {
  fn(); fn(); // warm up
  const ms: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const rng = createRng(1);
const mnist = loadMnist();
let input = Float32Array.from(mnist.test.images.subarray(0, B * D), (v) => v / 255); // (B, 28, 28, 1)
const rows: Record<string, unknown>[] = [];
console.log(`batch ${B}, median of ${REPS}; µs per image\n${'layer'.padEnd(42)}${'ours fwd'.padStart(10)}${'tfjs fwd'.padStart(10)}${'ours f+b'.padStart(10)}${'tfjs f+b'.padStart(10)}  (tfjs: fwd wasm, f+b cpu)`);
for (const [name, s] of layers) {
  const P = s.KH * s.KW * s.IC * s.OC, OUT = s.OH * s.OW * s.OC;
  const std = Math.sqrt(2 / (s.KH * s.KW * s.IC));
  const weight = Float32Array.from({ length: P }, () => rng.normal() * std), bias = new Float32Array(s.OC);
  const out = new Float32Array(B * OUT), dout = Float32Array.from({ length: B * OUT }, () => rng.normal() * 1e-3);
  const dinp = new Float32Array(input.length), dw = new Float32Array(P), db = new Float32Array(s.OC);
  const first = s.IC === 1;
  const oursFwd = time(() => conv2dForward(out, input, weight, bias, B, s));
  const oursBoth = time(() => {
    conv2dForward(out, input, weight, bias, B, s);
    conv2dBackward(first ? null : dinp, dw, db, dout, input, weight, B, s, !first);
  });
  // tfjs: NHWC input, HWIO filter: the same memory layout as ours
  const tensors = () => ({ x: tf.tensor4d(input, [B, s.H, s.W, s.IC]), w: tf.tensor4d(weight, [3, 3, s.IC, s.OC]), b: tf.tensor1d(bias), dy: tf.tensor4d(dout, [B, s.OH, s.OW, s.OC]) });
  const f = (xx: tf.Tensor4D, ww: tf.Tensor4D, b: tf.Tensor1D) => tf.add(tf.conv2d(xx, ww, 2, 'valid'), b) as tf.Tensor4D;
  await tf.setBackend('wasm');
  let t = tensors();
  const tfFwd = time(() => tf.tidy(() => f(t.x, t.w, t.b).dataSync()));
  // check the two agree before timing means anything
  const theirs = tf.tidy(() => f(t.x, t.w, t.b).dataSync());
  tf.dispose([t.x, t.w, t.b, t.dy]);
  await tf.setBackend('cpu');
  t = tensors();
  const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => f(xx as tf.Tensor4D, ww as tf.Tensor4D, t.b));
  const tfBoth = time(() => tf.tidy(() => {
    const [gx, gw] = grads([t.x, t.w], t.dy);
    gw.dataSync();
    if (!first) gx.dataSync();
  }));
  tf.dispose([t.x, t.w, t.b, t.dy]);
  conv2dForward(out, input, weight, bias, B, s);
  let worst = 0;
  for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - theirs[i]));
  if (worst > 1e-4) throw new Error(`${name}: ours and tfjs differ by ${worst}`);
  const us = (ms: number) => (ms * 1000) / B;
  console.log(`${name.padEnd(42)}${us(oursFwd).toFixed(1).padStart(10)}${us(tfFwd).toFixed(1).padStart(10)}${us(oursBoth).toFixed(1).padStart(10)}${us(tfBoth).toFixed(1).padStart(10)}`);
  rows.push({ layer: name, batch: B, oursForwardUs: us(oursFwd), tfjsWasmForwardUs: us(tfFwd), oursForwardBackwardUs: us(oursBoth), tfjsCpuForwardBackwardUs: us(tfBoth) });
  // the next layer reads this one's ReLU output, as in the network
  input = out.map((v) => Math.max(0, v));
}
for (const r of rows) console.log(JSON.stringify(r));

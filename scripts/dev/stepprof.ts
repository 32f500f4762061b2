// cpu time of each part of a training step, single thread, in-process
import { loadMnist } from '../lib/mnist';
import { createNetwork, initHe } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { createWorkspace, forward } from '../../shared/model/forward';
import { backward } from '../../shared/train/backward';
import { adamUpdate, ADAM_DEFAULTS } from '../../shared/train/optim/adam';
const m = loadMnist();
const sizes = [784, 128, 10], B = 64;
const net = createNetwork(sizes); initHe(net, createRng(1));
const g = createNetwork(sizes);
const mm = new Float32Array(net.params.length), vv = new Float32Array(net.params.length);
const ws = createWorkspace(sizes, B);
const x = new Float32Array(B * 784); const y = new Uint8Array(B);
const N = 60000;
const order = new Uint32Array(N).map((_, i) => i); createRng(2).shuffle(order);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
for (let ep = 0; ep < 2; ep++) {
  let tf = 0, tb = 0, ta = 0, tx = 0, tz = 0;
  for (let s = 0; s + B <= N; s += B) {
    let a = cpu();
    for (let b = 0; b < B; b++) { const i = order[s + b]; y[b] = m.train.labels[i]; const src = i * 784, dst = b * 784; for (let d = 0; d < 784; d++) x[dst + d] = m.train.images[src + d] / 255; }
    let c = cpu(); tx += c - a;
    g.params.fill(0); a = cpu(); tz += a - c;
    forward(net, x, B, ws); c = cpu(); tf += c - a;
    backward(net, g, x, y, B, ws, { scale: 1 / B }); a = cpu(); tb += a - c;
    adamUpdate(net.params, g.params, mm, vv, 0.001, s / B + 1 + ep * 937, ADAM_DEFAULTS); c = cpu(); ta += c - a;
  }
  const tot = tx + tz + tf + tb + ta;
  console.log(`ep ${ep} cpu ${tot.toFixed(0)} ms = ${(N / tot * 1000).toFixed(0)} samples/cpu-s | gather ${tx.toFixed(0)} zero ${tz.toFixed(0)} fwd ${tf.toFixed(0)} bwd ${tb.toFixed(0)} adam ${ta.toFixed(0)}`);
}

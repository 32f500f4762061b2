import { loadMnist } from '../lib/mnist';
import { createNetwork, initHe } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { createWorkspace, forward } from '../../shared/model/forward';
import { backward } from '../../shared/train/backward';
import { adamUpdate, ADAM_DEFAULTS } from '../../shared/train/optim/adam';
import { createAugmenter } from '../../shared/train/augment';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import { scaledAugment } from '../train/shard-step';
const m = loadMnist(undefined, false);
const H = Number(process.argv[2] ?? 128), B = Number(process.argv[3] ?? 64);
const sizes = [784, H, 10];
const net = createNetwork(sizes); initHe(net, createRng(1));
const g = createNetwork(sizes);
const mm = new Float32Array(net.params.length), vv = new Float32Array(net.params.length);
const ws = createWorkspace(sizes, B);
const x = new Float32Array(B * 784); const y = new Uint8Array(B);
const N = 20000;
const aug = createAugmenter(scaledAugment(0.6));
const deg = createDegrader(DEFAULT_DEGRADE);
const raw = new Float32Array(784);
const cpu = () => performance.now();
for (let ep = 0; ep < 2; ep++) {
  let tf = 0, tb = 0, ta = 0, tx = 0, td = 0;
  for (let s = 0; s + B <= N; s += B) {
    let a = cpu();
    for (let b = 0; b < B; b++) { const i = s + b; y[b] = m.train.labels[i]; for (let d = 0; d < 784; d++) raw[d] = m.train.images[i * 784 + d] / 255; aug(x.subarray(b * 784, b * 784 + 784), raw, createRng(i + ep)); }
    let c = cpu(); tx += c - a;
    for (let b = 0; b < B; b++) deg(x.subarray(b * 784, b * 784 + 784), createRng(s + b + 7));
    a = cpu(); td += a - c;
    g.params.fill(0);
    forward(net, x, B, ws); c = cpu(); tf += c - a;
    backward(net, g, x, y, B, ws, { scale: 1 / B }); a = cpu(); tb += a - c;
    adamUpdate(net.params, g.params, mm, vv, 0.001, s / B + 1, ADAM_DEFAULTS); c = cpu(); ta += c - a;
  }
  const us = (t: number) => (t * 1000 / N).toFixed(1);
  console.log(`H ${H} B ${B} µs/sample: augment ${us(tx)} degrade ${us(td)} fwd ${us(tf)} bwd ${us(tb)} adam ${us(ta)}`);
}

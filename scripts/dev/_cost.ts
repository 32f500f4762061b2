// cpu µs per training sample (one thread, in-process) for several recipes, interleaved
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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
interface R { name: string; H: number[]; B: number; aug: number; deg: boolean; block?: number }
const recipes: R[] = JSON.parse(process.argv[2]);
const N = Number(process.argv[3] ?? 6400);
const state = recipes.map((r) => {
  const sizes = [784, ...r.H, 10];
  const net = createNetwork(sizes); initHe(net, createRng(1));
  return { r, net, g: createNetwork(sizes), mm: new Float32Array(net.params.length), vv: new Float32Array(net.params.length), ws: createWorkspace(sizes, r.B), x: new Float32Array(r.B * 784), y: new Uint8Array(r.B),
    aug: r.aug > 0 ? createAugmenter({ ...scaledAugment(r.aug), ...(r.block ? { elasticBlock: r.block } : {}) }) : null, deg: r.deg ? createDegrader(DEFAULT_DEGRADE) : null, best: Infinity, step: 0 };
});
const raw = new Float32Array(784);
let offset = 0;
for (let round = 0; round < 4; round++) {
  for (const s of state) {
    const t0 = cpu();
    for (let start = 0; start + s.r.B <= N; start += s.r.B) {
      for (let b = 0; b < s.r.B; b++) {
        const i = (offset + start + b) % 60000; s.y[b] = m.train.labels[i];
        const out = s.x.subarray(b * 784, b * 784 + 784);
        if (s.aug || s.deg) {
          for (let d = 0; d < 784; d++) raw[d] = m.train.images[i * 784 + d] / 255;
          const rng = createRng(i + round);
          if (s.aug) s.aug(out, raw, rng); else out.set(raw);
          if (s.deg) s.deg(out, rng);
        } else for (let d = 0; d < 784; d++) out[d] = m.train.images[i * 784 + d] / 255;
      }
      s.g.params.fill(0);
      forward(s.net, s.x, s.r.B, s.ws);
      backward(s.net, s.g, s.x, s.y, s.r.B, s.ws, { scale: 1 / s.r.B });
      adamUpdate(s.net.params, s.g.params, s.mm, s.vv, 0.001, ++s.step, ADAM_DEFAULTS);
    }
    s.best = Math.min(s.best, (cpu() - t0) * 1000 / N);
  }
  offset += N;
}
const base = state[0].best;
for (const s of state) console.log(`${s.r.name.padEnd(40)} ${s.best.toFixed(1)} µs/sample cpu  ×${(s.best / base).toFixed(2)} of the first`);

import { loadMnist } from '../lib/mnist';
import { createRng } from '../../shared/rng';
import { createAugmenter } from '../../shared/train/augment';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import { scaledAugment } from '../train/shard-step';
const m = loadMnist(undefined, false);
const N = 3000;
const imgs = Array.from({ length: N }, (_, i) => Float32Array.from(m.train.images.subarray(i * 784, i * 784 + 784), (v) => v / 255));
const out = new Float32Array(784);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const cases: [string, (img: Float32Array, s: number) => void][] = [];
for (const block of [2, 4, 7]) { const a = createAugmenter({ ...scaledAugment(0.6), elasticBlock: block }); cases.push([`augment block ${block}`, (img, s) => a(out, img, createRng(s))]); }
const a0 = createAugmenter({ ...scaledAugment(0.6), elasticAlpha: 0 }); cases.push(['affine only', (img, s) => a0(out, img, createRng(s))]);
const d = createDegrader(DEFAULT_DEGRADE); cases.push(['degrade', (img, s) => { out.set(img); d(out, createRng(s)); }]);
const best = cases.map(() => Infinity);
for (let r = 0; r < 4; r++) cases.forEach(([, f], k) => { const t = cpu(); for (let i = 0; i < N; i++) f(imgs[i], i); best[k] = Math.min(best[k], (cpu() - t) * 1000 / N); });
cases.forEach(([n], k) => console.log(n, best[k].toFixed(1), 'µs cpu'));

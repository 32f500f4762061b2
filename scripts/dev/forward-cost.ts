// µs of CPU per single-image classify with the shared forward pass (what one /classify costs the
// Worker after preprocessing), for each architecture given, on real preprocessed test digits.
// usage: npx tsx scripts/dev/forward-cost.ts [hidden sizes, e.g. 128 256 512 256,128]
import { D } from '../../shared/dims';
import { createNetwork, initHe } from '../../shared/model/network';
import { createPredictor } from '../../shared/model/predict';
import { createRng } from '../../shared/rng';
import { loadMnist } from '../lib/mnist';

const archs = (process.argv.length > 2 ? process.argv.slice(2) : ['128', '256', '512']).map((a) => a.split(',').map(Number));
const test = loadMnist(undefined, false).test;
const images = Array.from({ length: 2000 }, (_, i) => test.images.subarray(i * D, (i + 1) * D));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const hidden of archs) {
  const net = createNetwork([D, ...hidden, 10]);
  initHe(net, createRng(1));
  const predictor = createPredictor(net);
  for (const img of images.slice(0, 500)) predictor.predict([img]); // warm up the jit
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = cpuMs();
    for (const img of images) predictor.predict([img]);
    best = Math.min(best, ((cpuMs() - t0) * 1000) / images.length);
  }
  console.log(`784-${hidden.join('-')}-10: ${best.toFixed(1)} µs CPU per image (best of 5 rounds of ${images.length})`);
}

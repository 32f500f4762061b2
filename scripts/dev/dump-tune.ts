// dumps tuning sets (u8 inputs + json index) for offline analysis:
//   npx tsx scripts/dev/dump-tune.ts OUT PER_SET SEED train|heldout
import { writeFileSync } from 'node:fs';
import { D } from '../../shared/dims';
import { heldOutSplit } from '../lib/calibration';
import { loadMnist } from '../lib/mnist';
import { tuneSets } from '../tune/sets';
import { writeSheet } from '../eval/sheet';

const [out, per, seed, from] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const mnist = loadMnist();
const split = from === 'train' ? { count: 55000, images: mnist.train.images.subarray(0, 55000 * D), labels: mnist.train.labels.subarray(0, 55000) } : heldOutSplit(mnist.train, 5000);
const t0 = performance.now();
const sets = tuneSets(split, per, seed);
console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`, sets.map((s) => `${s.name}: ${s.inputs.length}`).join(', '));
const all = sets.flatMap((s) => s.inputs);
const bytes = new Uint8Array(all.length * D);
all.forEach((x, i) => { for (let d = 0; d < D; d++) bytes[i * D + d] = Math.round(Math.min(255, Math.max(0, x[d]))); });
writeFileSync(`${out}.u8`, bytes);
writeFileSync(`${out}.json`, JSON.stringify(sets.map((s) => ({ name: s.name, digits: s.digits, count: s.inputs.length, labels: [] }))));
for (const s of sets) writeSheet(`${out}-${s.name.replace(/\W+/g, '-')}.png`, s.inputs.slice(0, 100).map((x) => ({ width: 28, height: 28, gray: Float32Array.from(x, (v) => 255 - v), alpha: null })), 10, 32);

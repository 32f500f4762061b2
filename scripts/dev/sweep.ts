// a quick hyperparameter sweep: npx tsx scripts/dev/sweep.ts '<json list of partial configs>' [seeds]
import { loadMnist } from '../lib/mnist';
import { DEFAULT_CONFIG, type TrainConfig } from '../train/config';
import { train } from '../train/engine';

const data = loadMnist();
const variants = JSON.parse(process.argv[2] ?? '[{}]') as Partial<TrainConfig>[];
const seeds = (process.argv[3] ?? '1').split(',').map(Number);
for (const v of variants) {
  const accs: number[] = [];
  for (const seed of seeds) {
    const r = await train({ ...DEFAULT_CONFIG, ...v, seed }, data);
    const last = r.epochs[r.epochs.length - 1];
    accs.push(last.testAccuracy);
    console.log(JSON.stringify(v), 'seed', seed, 'acc', last.testAccuracy, 'best', Math.max(...r.epochs.map((e) => e.testAccuracy)), 'sps', Math.round(r.trainSamplesPerSec), 's98', r.secondsTo98?.toFixed(1));
  }
  accs.sort();
  console.log('==', JSON.stringify(v), 'median', accs[Math.floor(accs.length / 2)], accs.join(' '));
}

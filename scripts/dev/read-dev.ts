// npm-less dev scorer for /read tuning: the number recipes with other seeds, made from MNIST TRAINING
// digits no model trained on (the digit model's 5,000 calibration images), so cut and scoring changes
// are tuned away from the evaluation sets.
// npx tsx scripts/dev/read-dev.ts [--count 60] [--salt N: other dev numbers] [--sets a,b] [--reader FILE | --no-reader] [--plan free|paid | --line-columns N] [--line-phases N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { LIMITS, type Plan } from '../../shared/limits';
import { decodeLineReader } from '../../shared/model/line-reader';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { heldOutSplit } from '../lib/calibration';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { formatTallies, mnistShortApart, scoreNumberSet, type ItemResult } from '../eval/read-score';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { count: { type: 'string', default: '60' }, salt: { type: 'string', default: '0' }, sets: { type: 'string' }, model: { type: 'string', default: 'models/default.bin' }, reader: { type: 'string' }, 'no-reader': { type: 'boolean' }, plan: { type: 'string', default: 'free' }, 'line-columns': { type: 'string' }, 'line-phases': { type: 'string' } } });
const lineReader = values['no-reader'] ? null : values.reader ? await decodeLineReader(new Uint8Array(readFileSync(values.reader))) : await bundledLineReader();
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync(values.model!))));
// the last 5,000 training images: the digit model's calibration images, which neither it nor the line
// reader trained on (dev numbers of digits a model learned flatter the bigger model)
const sources = loadSources(heldOutSplit(loadMnist().train, 5000));
const names = values.sets?.split(',');
const tallies = [];
const all: ItemResult[] = [];
const start = performance.now();
for (const r of NUMBER_RECIPES.filter((r) => !names || names.some((n) => r.name.includes(n)))) {
  const set = generateNumberSet({ ...r, name: r.name.replace('numbers', 'dev'), count: Number(values.count), seed: r.seed ^ 0xde7 ^ Number(values.salt) }, sources);
  const { tally, results } = scoreNumberSet(set, predictor, undefined, false, { lineReader, lineColumns: values['line-columns'] ? Number(values['line-columns']) : LIMITS[values.plan as Plan].readLineColumns, linePhases: values['line-phases'] ? Number(values['line-phases']) : LIMITS[values.plan as Plan].readLinePhases });
  tallies.push(tally);
  all.push(...results);
}
console.log(formatTallies(tallies));
const short = mnistShortApart(all);
console.log(`2–4 apart: ${short.exact}/${short.n} (${((100 * short.exact) / Math.max(1, short.n)).toFixed(1)}%)  in ${((performance.now() - start) / 1000).toFixed(0)} s`);
const miss = all.filter((r) => r.read !== r.item.text);
const kinds = new Map<string, number>();
for (const r of miss) {
  const k = `${r.item.gap} ${r.read === null ? 'error ' + r.error : r.read.length < r.item.text.length ? 'fewer' : r.read.length > r.item.text.length ? 'more' : 'same count'}`;
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
}
console.log([...kinds].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));

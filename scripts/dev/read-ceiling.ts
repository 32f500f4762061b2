// dev: the share of numbers whose every digit, read alone (the single-digit pipeline, as
// read-score's "same digits alone"), is right: what exact match would be if segmentation were perfect.
// npx tsx scripts/dev/read-ceiling.ts [--eval]  (default: the dev numbers of mnist TRAINING digits)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ImageError } from '../../shared/image/decoded';
import { preprocessImage } from '../../shared/image/preprocess';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { eval: { type: 'boolean' }, count: { type: 'string', default: '150' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const mnist = loadMnist();
const sources = loadSources(values.eval ? mnist.test : mnist.train);
const byLen = new Map<number, [number, number]>();
let all = 0, n = 0;
for (const r of NUMBER_RECIPES) {
  const recipe = values.eval ? r : { ...r, name: r.name.replace('numbers', 'dev'), count: Number(values.count), seed: r.seed ^ 0xde7 };
  for (const it of generateNumberSet(recipe, sources).items) {
    const ok = it.singles.every((img, k) => {
      try {
        return String(predictor.predictPacked(preprocessImage(img), 1)[0].digit) === it.text[k];
      } catch (e) {
        if (e instanceof ImageError) return false;
        throw e;
      }
    });
    const t = byLen.get(it.text.length) ?? [0, 0];
    t[1]++;
    n++;
    if (ok) (t[0]++, all++);
    byLen.set(it.text.length, t);
  }
}
console.log(`every digit right alone: ${((100 * all) / n).toFixed(1)}% of ${n}; by length ${[...byLen].map(([l, [a, m]]) => `${l}: ${((100 * a) / m).toFixed(1)}%`).join(', ')}`);

// npm run read:score [-- --model models/default.bin] [--reader FILE | --no-reader] [--plan free|paid] [--sets a,b] [--count N] [--sheets DIR] [--misses N] [--record]:
// reads the number sets (scripts/eval/numbers.ts) the way POST /read does and prints exact-match and
// per-digit accuracy by set, length and gap, beside the same digits' single-digit accuracy.
// --record writes each set's recipe and hashes to data/eval/numbers.json (test/unit/number-sets.test.ts checks them).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeModel } from '../shared/model/format';
import { LIMITS, type Plan } from '../shared/limits';
import { predictorFor } from '../shared/model/predict';
import { runCli } from './lib/cli';
import { loadMnist } from './lib/mnist';
import { generateNumberSet, manifestEntry, NUMBER_MANIFEST, NUMBER_RECIPES, type NumberManifestEntry } from './eval/numbers';
import { formatTallies, mnistShortApart, readNumberText, scoreNumberSet, type ItemResult } from './eval/read-score';
import { decodeLineReader } from '../shared/model/line-reader';
import { bundledLineReader } from '../shared/model/line-reader-bundled';
import { loadSources } from './eval/set';
import { writeSheet } from './eval/sheet';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/default.bin' },
      sets: { type: 'string' },
      count: { type: 'string' },
      sheets: { type: 'string' },
      misses: { type: 'string', default: '0' },
      record: { type: 'boolean' },
      reader: { type: 'string' },
      'no-reader': { type: 'boolean' },
      plan: { type: 'string', default: 'free' },
    },
  });
  if (values.plan !== 'free' && values.plan !== 'paid') throw new Error(`--plan is free or paid, not ${values.plan}`);
  const plan: Plan = values.plan;
  // the line reader the Worker bundles, another file (--reader), or none: touching digits cut apart as before it existed
  const lineReader = values['no-reader'] ? null : values.reader ? await decodeLineReader(new Uint8Array(readFileSync(values.reader))) : await bundledLineReader();
  console.error(lineReader ? `line reader ${lineReader.version}, the ${plan} plan's budget (${LIMITS[plan].readLineColumns} line columns, ${LIMITS[plan].readLinePhases} phase(s) a line)` : 'no line reader: touching digits are cut apart');
  const model = await decodeModel(new Uint8Array(readFileSync(values.model!)));
  const predictor = predictorFor(model);
  const sources = loadSources(loadMnist().test);
  const names = values.sets?.split(',');
  const recipes = NUMBER_RECIPES.filter((r) => !names || names.includes(r.name)).map((r) => (values.count ? { ...r, count: Number(values.count) } : r));
  const tallies = [];
  const all: ItemResult[] = [];
  const recorded: NumberManifestEntry[] = [];
  for (const recipe of recipes) {
    const start = performance.now();
    const set = generateNumberSet(recipe, sources);
    const made = performance.now();
    const { tally, results } = scoreNumberSet(set, predictor, readNumberText, true, { lineReader, lineColumns: LIMITS[plan].readLineColumns, linePhases: LIMITS[plan].readLinePhases });
    console.error(`${recipe.name}: generated in ${((made - start) / 1000).toFixed(1)} s, read in ${((performance.now() - made) / 1000).toFixed(1)} s`);
    tallies.push(tally);
    all.push(...results);
    recorded.push(manifestEntry(recipe, set));
    if (values.sheets) {
      mkdirSync(values.sheets, { recursive: true });
      writeSheet(join(values.sheets, `${recipe.name}.png`), set.items.slice(0, 40).map((it) => it.image), 4, 160);
    }
  }
  if (values.record) {
    if (values.count) throw new Error('--record writes the whole sets: leave out --count');
    writeFileSync(NUMBER_MANIFEST, JSON.stringify({ version: 1, sets: recorded }, null, 2) + '\n');
    console.error(`wrote ${NUMBER_MANIFEST}`);
  }
  console.log(formatTallies(tallies));
  const short = mnistShortApart(all);
  console.log(`\n2–4-digit mnist-test numbers that do not touch: ${short.exact}/${short.n} exact (${((100 * short.exact) / Math.max(1, short.n)).toFixed(1)}%)`);
  const misses = all.filter((r) => r.read !== r.item.text).slice(0, Number(values.misses));
  for (const m of misses) console.log(`  ${m.item.text.padEnd(9)} read ${m.read ?? m.error}  gap ${m.item.gap}  ${m.item.image.width}x${m.item.image.height}`);
});

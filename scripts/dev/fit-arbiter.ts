// dev: fits the arbiter of POST /read (shared/model/read.ts ARBITER: whether the line reader's reading of
// a group or the cuts' is kept) on the dev numbers (MNIST training digits no model trained on, as scripts/dev/read-dev.ts makes
// them): four draws to fit on, two others (salts 0 and 12345, what read-dev scores) to check it on.
// refit it when the line reader or the digit model changes, and paste the weights it prints.
// npx tsx scripts/dev/fit-arbiter.ts [--count 150] [--reader FILE] [--plan free|paid]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ImageError } from '../../shared/image/decoded';
import { LIMITS, type Plan } from '../../shared/limits';
import { decodeModel } from '../../shared/model/format';
import { decodeLineReader } from '../../shared/model/line-reader';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { predictorFor } from '../../shared/model/predict';
import { ARBITER, arbiterLogit, arbitrate, pictureInk, readGroups, type ArbiterWeights, type Dispute, type GroupReading } from '../../shared/model/read';
import { heldOutSplit } from '../lib/calibration';
import { loadMnist } from '../lib/mnist';
import { digitsRight, sentCharge } from '../eval/read-score';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { count: { type: 'string', default: '150' }, reader: { type: 'string' }, plan: { type: 'string', default: 'free' }, 'line-columns': { type: 'string' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const lineReader = values.reader ? await decodeLineReader(new Uint8Array(readFileSync(values.reader))) : await bundledLineReader();
// the last 5,000 training images: the digit model's calibration images, which neither it nor the line
// reader trained on (dev numbers of digits a model learned flatter the bigger model)
const sources = loadSources(heldOutSplit(loadMnist().train, 5000));
const plan = LIMITS[values.plan as Plan];
const FIT_SALTS = [1, 2, 3, 4], CHECK_SALTS = [0, 12345];

interface Item { text: string; salt: number; groups: GroupReading[] | null }
const items: Item[] = [];
for (const salt of [...FIT_SALTS, ...CHECK_SALTS]) {
  for (const r of NUMBER_RECIPES) {
    const set = generateNumberSet({ ...r, name: r.name.replace('numbers', 'dev'), count: Number(values.count), seed: r.seed ^ 0xde7 ^ salt }, sources);
    for (const it of set.items) {
      let groups: GroupReading[] | null = null;
      try {
        groups = readGroups(pictureInk(it.image), { predictPacked: (p, B) => predictor.predictPacked(p, B), lineReader, decodeColumns: sentCharge(it.image), lineColumns: values['line-columns'] ? Number(values['line-columns']) : plan.readLineColumns, linePhases: plan.readLinePhases }).groups;
      } catch (e) {
        if (!(e instanceof ImageError)) throw e;
      }
      items.push({ text: it.text, salt, groups });
    }
  }
}

const textOf = (groups: GroupReading[], pick: (g: GroupReading, k: number) => 'cut' | 'line') => groups.map((g, k) => (g.line && pick(g, k) === 'line' ? g.line : g.cut).map((d) => d.digit).join('')).join('');

// each disputed group labelled by which reading brings its number closer to the truth, the others as the current arbiter reads them
const W = ['gain', 'wide', 'moreDigits', 'cutDoubt', 'bias'] as const;
const unit = (name: keyof ArbiterWeights): ArbiterWeights => Object.fromEntries(W.map((k) => [k, k === name ? 1 : 0])) as unknown as ArbiterWeights;
const features = (d: Dispute) => W.map((k) => arbiterLogit(d, unit(k)));
const rows: { x: number[]; y: number }[] = [];
for (const it of items) {
  if (!it.groups || !FIT_SALTS.includes(it.salt)) continue;
  const now = it.groups.map((g) => (g.dispute && arbiterLogit(g.dispute) > 0 ? 'line' : 'cut') as 'cut' | 'line');
  it.groups.forEach((g, k) => {
    if (!g.dispute) return;
    const closeness = (choice: 'cut' | 'line') => {
      const text = textOf(it.groups!, (_, j) => (j === k ? choice : now[j]));
      return digitsRight(it.text, text) - 0.5 * Math.abs(text.length - it.text.length);
    };
    const [cut, line] = [closeness('cut'), closeness('line')];
    if (cut !== line) rows.push({ x: features(g.dispute), y: line > cut ? 1 : 0 });
  });
}

/** logistic regression by full-batch gradient descent, a little L2 */
function fit(data: typeof rows, l2 = 1e-3): number[] {
  const n = W.length, w = new Array<number>(n).fill(0);
  for (let step = 0; step < 5000; step++) {
    const g = new Array<number>(n).fill(0);
    for (const { x, y } of data) {
      const z = x.reduce((s, v, i) => s + v * w[i], 0);
      const e = 1 / (1 + Math.exp(-z)) - y;
      for (let i = 0; i < n; i++) g[i] += e * x[i];
    }
    for (let i = 0; i < n; i++) w[i] -= 0.5 * (g[i] / data.length + l2 * w[i]);
  }
  return w;
}
const logistic = Object.fromEntries(W.map((k, i) => [k, Number(fit(rows)[i].toFixed(3))])) as unknown as ArbiterWeights;

/** the share of numbers read exactly on some draws with weights w (null: the cuts alone) */
function share(w: ArbiterWeights | null, salts: number[]): number {
  let right = 0, n = 0;
  for (const it of items) {
    if (!salts.includes(it.salt)) continue;
    n++;
    const text = it.groups ? (w ? arbitrate(it.groups, w).digits.map((d) => d.digit).join('') : textOf(it.groups, () => 'cut')) : null;
    if (text === it.text) right++;
  }
  return right / n;
}

/**
 * the logistic fit's labels are each group's alone, its loss not the exact match that counts: the
 * weights are then searched one at a time (scaled, and the bias moved) for more numbers read exactly on the fit draws
 */
function search(start: ArbiterWeights): ArbiterWeights {
  let best = { ...start }, bestShare = share(best, FIT_SALTS);
  for (let round = 0; round < 3; round++) {
    for (const k of W) {
      const tries = k === 'bias' ? [-1, -0.5, -0.25, 0.25, 0.5, 1].map((d) => best.bias + d) : [0, 0.5, 0.8, 1.25, 2].map((f) => best[k] * f);
      for (const v of tries) {
        const w = { ...best, [k]: Number(v.toFixed(3)) };
        const s = share(w, FIT_SALTS);
        if (s > bestShare) [best, bestShare] = [w, s];
      }
    }
  }
  return best;
}
const fitted = search(logistic);

const exact = (w: ArbiterWeights | null, salts: number[]) => `${(100 * share(w, salts)).toFixed(1)}%`;
console.log(`${rows.length} disputed groups to fit on (${rows.filter((r) => r.y).length} the line reader read better)`);
console.log(`logistic fit: ${JSON.stringify(logistic)}`);
console.log(`then searched for exact matches: ${JSON.stringify(fitted)}`);
for (const [name, w] of [['cuts only', null], ['ARBITER now', ARBITER], ['logistic', logistic], ['searched', fitted], ['ARBITER searched', search(ARBITER)]] as const) {
  console.log(`${name.padEnd(12)} exact: fit draws ${exact(w, FIT_SALTS)}, check draws ${CHECK_SALTS.map((s) => `${s}: ${exact(w, [s])}`).join(', ')}`);
}

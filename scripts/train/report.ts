import { relative } from 'node:path';
import { D } from '../../shared/dims';
import { percent, thousands } from '../lib/format';
import type { Split } from '../lib/mnist';
import { writeReport } from '../report/write';
import { runSettings } from './config';
import { architecture } from './engine';
import { epochRecords, type FinishedRun } from './outcome';

// the run's HTML report (scripts/report/): settings, figures, curves, confusion, sample digits.

const FIRST_SAMPLES = 40; // the first test digits, right or wrong
const WRONG_SAMPLES = 24; // then the first misclassified ones

/** writes <dir>/index.html and report.json, and says where */
export async function writeRunReport(dir: string, run: FinishedRun, testSplit: Split): Promise<void> {
  const { config, result, test, model, peakRssMB } = run;
  const wrong: number[] = [];
  for (let i = 0; i < testSplit.count && wrong.length < WRONG_SAMPLES; i++) if (test.predicted[i] !== testSplit.labels[i]) wrong.push(i);
  const picks = [...Array.from({ length: FIRST_SAMPLES }, (_, i) => i), ...wrong];
  const index = await writeReport(dir, {
    title: `${architecture(config).join('-')} · ${config.optimizer} · ${config.epochs} epochs${config.augment ? ' · augmented' : ''}`,
    settings: runSettings(config),
    figures: {
      'test accuracy': percent(test.accuracy),
      'test loss': test.loss.toFixed(4),
      'training samples/s': thousands(result.trainSamplesPerSec),
      'seconds to 98% test accuracy': result.secondsTo98 === null ? 'not reached' : result.secondsTo98.toFixed(1),
      'total seconds': result.seconds.toFixed(1),
      'peak memory (MB)': thousands(peakRssMB),
      'model version': model.version,
      'model size (KiB)': thousands(model.file.length / 1024),
      parameters: thousands(result.network.params.length),
    },
    epochs: epochRecords(result),
    confusion: test.confusion,
    perClass: test.perClass,
    samples: picks.map((i) => ({
      pixels: testSplit.images.subarray(i * D, (i + 1) * D),
      label: testSplit.labels[i],
      predicted: test.predicted[i],
      confidence: test.confidence[i],
    })),
  });
  console.log(`report ${relative(process.cwd(), index)}`);
}

import { relative } from 'node:path';
import { D } from '../../shared/dims';
import { decodeModel } from '../../shared/model/format';
import { percent, thousands } from '../lib/format';
import type { Split } from '../lib/mnist';
import { measureRobustness } from '../lib/robustness';
import { writeReport } from '../report/write';
import type { RobustnessReport } from '../report/types';
import { mnistShortApart, rowFigures, scoreNumberSets, tallyRows } from '../eval/read-score';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { loadSources } from '../eval/set';
import { predictorFor } from '../../shared/model/predict';
import { runSettings } from './config';
import { describeArchitecture } from './engine';
import { describeTeacher } from './progress';
import { epochRecords, type FinishedRun } from './outcome';
import { describeExtra } from './data';

// the run's HTML report (scripts/report/): settings, figures, curves, confusion, sample digits, and
// with `robustness` the evaluation sets scored through the saved model file (scripts/lib/robustness.ts),
// after training: nothing here feeds back into the model.

const FIRST_SAMPLES = 40; // the first test digits, right or wrong
const WRONG_SAMPLES = 24; // then the first misclassified ones

/** writes <dir>/index.html and report.json, and says where */
export async function writeRunReport(dir: string, run: FinishedRun, testSplit: Split, robustness = false): Promise<void> {
  const { config, result, test, model, peakRssMB, fitted, uncalibratedEce, extra, from } = run;
  if (robustness) console.log('scoring the evaluation sets for the report (--no-robustness skips this)');
  const wrong: number[] = [];
  for (let i = 0; i < testSplit.count && wrong.length < WRONG_SAMPLES; i++) if (test.predicted[i] !== testSplit.labels[i]) wrong.push(i);
  const picks = [...Array.from({ length: FIRST_SAMPLES }, (_, i) => i), ...wrong];
  const index = await writeReport(dir, {
    title: `${describeArchitecture(config)} · ${config.optimizer} · ${config.epochs} epochs${config.augment ? ' · augmented' : ''}${config.deskew ? ' · deskewed' : ''}`,
    settings: runSettings(config),
    figures: {
      'fine-tuned from': from ? `${from.path} (${from.version}, ${from.testAccuracy === null ? 'accuracy not recorded' : percent(from.testAccuracy)})` : 'no (trained from scratch)',
      'distilled from (--teacher)': config.distill ? describeTeacher(config.distill) : 'no (labels only)',
      'extra training data (--extra)': extra ? describeExtra(extra) : 'none',
      'test accuracy': percent(test.accuracy),
      'test loss': test.loss.toFixed(4),
      'test ECE (15 bins), T = 1 → calibrated': `${percent(uncalibratedEce)} → ${percent(test.ece)}`,
      temperature: fitted.calibration?.temperature ?? 'none (1)',
      'uncertain flag on held-out digits': fitted.uncertainty ? percent(fitted.uncertainty.heldOutFlagged, 1) : 'no probe',
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
    ...(robustness ? { robustness: await robustnessWithNumbers(model.file, testSplit) } : {}),
  });
  console.log(`report ${relative(process.cwd(), index)}`);
}

/** the evaluation sets and the number sets, each read through the saved model file as the Worker reads them */
async function robustnessWithNumbers(file: Uint8Array, testSplit: Split): Promise<RobustnessReport> {
  const model = await decodeModel(file);
  const report = measureRobustness(model, testSplit);
  const { tallies, results } = scoreNumberSets(predictorFor(model), loadSources(testSplit), { lineReader: await bundledLineReader() });
  const rows = tallyRows(tallies).map(({ name, group, tally }) => ({ name, group, numbers: tally.numbers, ...rowFigures(tally) }));
  return { ...report, numbers: { rows, shortApart: mnistShortApart(results) } };
}

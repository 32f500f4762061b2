import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evaluation } from '../lib/evaluate';
import { percent, thousands } from '../lib/format';
import type { TrainConfig } from './config';
import type { TrainResult } from './engine';
import type { SavedModel } from './model-files';

// a finished run: the lines it ends with, its summary.json, and its exit status.

export interface FinishedRun {
  config: TrainConfig;
  result: TrainResult;
  test: Evaluation; // the final network on the test set
  model: SavedModel;
  peakRssMB: number;
}

/** the per-epoch figures without their confusion matrices, for summary.json and the report */
export const epochRecords = (result: TrainResult) => result.epochs.map(({ confusion: _c, ...e }) => e);

export function printOutcome({ result, test, model, peakRssMB }: FinishedRun): void {
  const reached98 = result.secondsTo98 === null ? 'never' : `after ${result.secondsTo98.toFixed(1)} s`;
  console.log(
    `\ntest accuracy ${percent(test.accuracy)} (loss ${test.loss.toFixed(4)}) · ${thousands(result.trainSamplesPerSec)} samples/s · ` +
      `${result.seconds.toFixed(1)} s in all · 98% reached ${reached98} · peak memory ${thousands(peakRssMB)} MB`,
  );
  // the engine's last evaluation ran in the threads on the shared weights: it must agree with this one
  const last = result.epochs[result.epochs.length - 1];
  if (Math.abs(test.accuracy - last.testAccuracy) > 1e-9) console.warn(`warning: final evaluation ${percent(test.accuracy)} differs from the last epoch's ${percent(last.testAccuracy)}`);
  console.log(`model ${model.path} · ${thousands(model.file.length / 1024)} KiB · version ${model.version} · weights sha256 ${model.weightsSha256.slice(0, 16)}…`);
}

/** the run's figures for scripts (npm run bench reads it) */
export function writeSummary(dir: string, { config, result, test, model, peakRssMB }: FinishedRun): void {
  const summary = {
    version: model.version,
    weightsSha256: model.weightsSha256,
    testAccuracy: test.accuracy,
    secondsTo98: result.secondsTo98,
    trainSamplesPerSec: result.trainSamplesPerSec,
    seconds: result.seconds,
    peakRssMB,
    config,
    epochs: epochRecords(result),
  };
  mkdirSync(dir, { recursive: true }); // --model elsewhere and --no-report leave nothing else in it
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
}

/** 2 when --min-accuracy was not met, else 0 */
export function accuracyGate(accuracy: number, minAccuracy: number | null): number {
  if (minAccuracy === null || accuracy >= minAccuracy) return 0;
  console.error(`test accuracy ${percent(accuracy)} is below --min-accuracy ${percent(minAccuracy)}`);
  return 2;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AfterTraining } from './after-training';
import type { Evaluation } from '../lib/evaluate';
import { percent, thousands } from '../lib/format';
import type { TrainConfig } from './config';
import type { TrainResult } from './engine';
import type { ExtraSummary } from './data';
import type { SavedModel } from './model-files';

// a finished run: the lines it ends with, its summary.json, and its exit status.

export interface FinishedRun {
  config: TrainConfig;
  result: TrainResult;
  test: Evaluation; // the final network on the test set, at the calibrated temperature
  uncalibratedEce: number; // the test set's calibration error at temperature 1
  fitted: AfterTraining; // the temperature and the uncertainty probe; none with --calibration-holdout 0
  model: SavedModel;
  peakRssMB: number;
  extra?: ExtraSummary | null; // --extra: what it added
  from?: { path: string; version: string; testAccuracy: number | null } | null; // --from: the model a fine-tune started from
}

/** the per-epoch figures without their confusion matrices, for summary.json and the report */
export const epochRecords = (result: TrainResult) => result.epochs.map(({ confusion: _c, ...e }) => e);

/** the lines on calibration (the temperature, where it was fitted, the test set's calibration error before and after) and on the uncertain flag */
export function describeFitted({ fitted, test, uncalibratedEce }: Pick<FinishedRun, 'fitted' | 'test' | 'uncalibratedEce'>): string[] {
  const { calibration, uncertainty, check } = fitted;
  if (!calibration) return [`calibration: none (--calibration-holdout 0) · test ECE ${percent(test.ece)} (15 equal-width bins) · uncertain flag without a probe`];
  const lines = [
    `calibration: temperature ${calibration.temperature} fitted on ${calibration.fittedOn} (NLL ${calibration.nllBefore.toFixed(4)} → ${calibration.nllAfter.toFixed(4)}) · ` +
      `test ECE ${percent(uncalibratedEce)} → ${percent(test.ece)} (15 equal-width bins)`,
  ];
  if (uncertainty) {
    lines.push(`uncertain flag: ${percent(uncertainty.heldOutFlagged, 1)} of the held-out digits · fresh tuning pictures: ${check.map((c) => `${c.name} ${percent(c.flagged, 0)}`).join(', ')} · fitted in ${fitted.seconds.toFixed(1)} s`);
  }
  return lines;
}

export function printOutcome({ result, test, model, peakRssMB, fitted, uncalibratedEce }: FinishedRun): void {
  const reached98 = result.secondsTo98 === null ? 'never' : `after ${result.secondsTo98.toFixed(1)} s`;
  console.log(
    `\ntest accuracy ${percent(test.accuracy)} (loss ${test.loss.toFixed(4)}) · ${thousands(result.trainSamplesPerSec)} samples/s · ` +
      `${result.seconds.toFixed(1)} s in all · 98% reached ${reached98} · peak memory ${thousands(peakRssMB)} MB`,
  );
  // the engine's last evaluation ran in the threads on the shared weights: it must agree with this one
  const last = result.epochs[result.epochs.length - 1];
  if (Math.abs(test.accuracy - last.testAccuracy) > 1e-9) console.warn(`warning: final evaluation ${percent(test.accuracy)} differs from the last epoch's ${percent(last.testAccuracy)}`);
  for (const line of describeFitted({ fitted, test, uncalibratedEce })) console.log(line);
  console.log(`model ${model.path} · ${thousands(model.file.length / 1024)} KiB · version ${model.version} · weights sha256 ${model.weightsSha256.slice(0, 16)}…`);
}

/** the run's figures for scripts (npm run bench reads it) */
export function writeSummary(dir: string, { config, result, test, model, peakRssMB, fitted, uncalibratedEce, extra, from }: FinishedRun): void {
  const summary = {
    version: model.version,
    fineTunedFrom: from ?? null,
    extra: extra ?? null,
    weightsSha256: model.weightsSha256,
    testAccuracy: test.accuracy,
    testEce: test.ece,
    testEceUncalibrated: uncalibratedEce,
    calibration: fitted.calibration ?? null,
    uncertainFlag: fitted.uncertainty ? { heldOutFlagged: fitted.uncertainty.heldOutFlagged, tuning: fitted.check } : null,
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

import type { ModelMetadata } from '../../shared/model/format';
import type { Evaluation } from '../lib/evaluate';
import { runSettings, type TrainConfig } from './config';
import type { TrainResult } from './engine';
import type { StartingModel } from './fine-tune';

// what the model file's header says about the run that made it.

/** `from`: the model a fine-tune started from, named in the header */
export function modelMetadata(config: TrainConfig, result: TrainResult, test: Evaluation, dataset: string, from: StartingModel | null = null): ModelMetadata {
  return {
    ...(from ? { fineTunedFrom: from.model.version } : {}),
    createdAt: new Date().toISOString(),
    dataset,
    testAccuracy: test.accuracy,
    testLoss: test.loss, // at the calibrated temperature when there is one
    testEce: Number(test.ece.toFixed(6)), // expected calibration error on the test set, 15 equal-width bins
    epochs: config.epochs,
    trainSeconds: result.seconds,
    training: runSettings(config),
    secondsTo98: result.secondsTo98,
    trainSamplesPerSec: Math.round(result.trainSamplesPerSec),
  };
}

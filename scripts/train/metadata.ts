import type { ModelMetadata } from '../../shared/model/format';
import type { Evaluation } from '../lib/evaluate';
import { runSettings, type TrainConfig } from './config';
import type { TrainResult } from './engine';

// what the model file's header says about the run that made it.

export function modelMetadata(config: TrainConfig, result: TrainResult, test: Evaluation, dataset: string): ModelMetadata {
  return {
    createdAt: new Date().toISOString(),
    dataset,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    epochs: config.epochs,
    trainSeconds: result.seconds,
    training: runSettings(config),
    secondsTo98: result.secondsTo98,
    trainSamplesPerSec: Math.round(result.trainSamplesPerSec),
  };
}

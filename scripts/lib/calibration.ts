import { D, K } from '../../shared/dims';
import { expectedCalibrationError, fitTemperature, temperatureNll } from '../../shared/model/calibration';
import { CALIBRATION_VERSION, type ModelCalibration } from '../../shared/model/format';
import type { InputSpec } from '../../shared/model/input';
import type { Network } from '../../shared/model/network';
import { argmax } from '../../shared/model/predict';
import { splitLogits } from './evaluate';
import type { Split } from './mnist';

// the calibration held-out set: the last N images of the MNIST training file (--calibration-holdout),
// which the trainer never trains on, and the temperature fitted on them (shared/model/calibration.ts).
// the test set and the evaluation sets are never used to fit anything.

/** how many training images the trainer may use: the first count - holdout (then --train-limit) */
export function trainableCount(trainCount: number, holdout: number): number {
  if (holdout >= trainCount) throw new Error(`--calibration-holdout ${holdout} leaves none of the ${trainCount} training images to train on`);
  return trainCount - holdout;
}

/** the last n images of the training split */
export function heldOutSplit(train: Split, n: number): Split {
  const from = train.count - n;
  return { count: n, images: train.images.subarray(from * D), labels: train.labels.subarray(from) };
}

/** the probability of each image's top answer and whether that answer is its label, at temperature T */
export function topAnswers(logits: Float32Array, labels: ArrayLike<number>, B: number, T: number): { confidence: Float64Array; correct: boolean[] } {
  const confidence = new Float64Array(B);
  const correct: boolean[] = new Array(B);
  for (let b = 0; b < B; b++) {
    const o = b * K;
    const top = argmax(logits, o, K);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp((logits[o + k] - logits[o + top]) / T);
    confidence[b] = 1 / sum;
    correct[b] = top === labels[b];
  }
  return { confidence, correct };
}

/** the ECE (15 bins) of logits (B, K) against labels at temperature T */
export function eceAt(logits: Float32Array, labels: ArrayLike<number>, B: number, T: number): number {
  const { confidence, correct } = topAnswers(logits, labels, B, T);
  return expectedCalibrationError(confidence, correct);
}

/** fits the temperature on the held-out images; the header field model files carry */
export function calibrate(net: Network, heldOut: Split, input: InputSpec): ModelCalibration {
  const B = heldOut.count;
  const logits = splitLogits(net, heldOut, input);
  const fit = fitTemperature(logits, heldOut.labels, B, K);
  // rounded so the header reads well; the fit is deterministic, so the file stays reproducible
  const temperature = Number(fit.temperature.toFixed(4));
  return {
    version: CALIBRATION_VERSION,
    method: 'temperature',
    temperature,
    fittedOn: `the last ${B} MNIST training images, held out of training`,
    heldOut: B,
    nllBefore: round(fit.nllBefore),
    nllAfter: round(temperatureNll(logits, heldOut.labels, B, K, temperature)),
    eceBefore: round(eceAt(logits, heldOut.labels, B, 1)),
    eceAfter: round(eceAt(logits, heldOut.labels, B, temperature)),
  };
}

const round = (x: number) => Number(x.toFixed(6));

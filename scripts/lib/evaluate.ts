import { D, K } from '../../shared/dims';
import { expectedCalibrationError } from '../../shared/model/calibration';
import type { Network } from '../../shared/model/network';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createInputScratch, writeInput, type InputSpec } from '../../shared/model/input';
import { crossEntropyForward } from '../../shared/model/kernels/softmax';
import { argmax } from '../../shared/model/predict';
import type { Split } from './mnist';

// scores a network on labelled images with the one shared forward pass: here for a whole split,
// and in the trainer's threads for each thread's part of the test set.

const EVAL_BATCH = 500;

export interface PerClass {
  digit: number;
  precision: number; // of the images predicted as this digit, the share that are; 0 when none are
  recall: number; // of the images of this digit, the share predicted as it; 0 when there are none
}

export interface Evaluation {
  count: number;
  accuracy: number;
  loss: number; // mean cross-entropy
  confusion: number[][]; // (K, K) [true][predicted]
  perClass: PerClass[];
  predicted: Uint8Array; // (count)
  confidence: Float32Array; // (count) probability of the predicted class
  ece: number; // expected calibration error, 15 equal-width bins (shared/model/calibration.ts)
}

export interface Tally {
  loss: number; // summed cross-entropy
  correct: number;
  confusion: Float64Array; // (K * K) row-major [true][predicted] counts
}

/**
 * runs images [from, to) through the network in batches; `visit` sees each batch's first index, its
 * size n, probs (n, K) at `temperature` and logits (n, K). both are views, reused by the next batch.
 */
export function forEachBatch(
  net: Network, images: Uint8Array, input: InputSpec, from: number, to: number, temperature: number,
  visit: (start: number, n: number, probs: Float32Array, logits: Float32Array) => void,
): void {
  const ws = createWorkspace(net.sizes, EVAL_BATCH);
  const x = new Float32Array(EVAL_BATCH * D); // (B, D)
  const scratch = createInputScratch();
  for (let start = from; start < to; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, to - start);
    for (let b = 0; b < n; b++) writeInput(x, b * D, images, (start + b) * D, input, scratch);
    const probs = forward(net, x, n, ws, temperature);
    visit(start, n, probs, ws.acts[ws.acts.length - 1].subarray(0, n * K));
  }
}

/**
 * runs images [from, to) through the network and tallies loss, correct answers and confusion;
 * `onPrediction` sees each image's predicted digit and that digit's probability
 */
export function tallyPredictions(
  net: Network, images: Uint8Array, labels: Uint8Array, input: InputSpec, from: number, to: number,
  onPrediction?: (index: number, digit: number, probability: number) => void, temperature = 1,
): Tally {
  const confusion = new Float64Array(K * K);
  let loss = 0, correct = 0;
  forEachBatch(net, images, input, from, to, temperature, (start, n, probs) => {
    const batchLabels = labels.subarray(start, start + n);
    loss += crossEntropyForward(probs, batchLabels, n, K);
    for (let b = 0; b < n; b++) {
      const p = argmax(probs, b * K, K);
      onPrediction?.(start + b, p, probs[b * K + p]);
      confusion[batchLabels[b] * K + p]++;
      if (p === batchLabels[b]) correct++;
    }
  });
  return { loss, correct, confusion };
}

/** the logits (count, K) of every image of a split: what a temperature is fitted to */
export function splitLogits(net: Network, split: Split, input: InputSpec): Float32Array {
  const logits = new Float32Array(split.count * K);
  forEachBatch(net, split.images, input, 0, split.count, 1, (start, n, _probs, batch) => logits.set(batch, start * K));
  return logits;
}

/** (K * K) row-major counts as K rows of K */
export function confusionRows(flat: ArrayLike<number>): number[][] {
  return Array.from({ length: K }, (_, t) => Array.from({ length: K }, (_, p) => flat[t * K + p]));
}

/** precision and recall per digit from [true][predicted] counts */
export function perClassFromConfusion(confusion: number[][]): PerClass[] {
  return confusion.map((row, digit) => {
    const predictedAs = confusion.reduce((sum, r) => sum + r[digit], 0);
    const actual = row.reduce((sum, v) => sum + v, 0);
    return { digit, precision: predictedAs ? row[digit] / predictedAs : 0, recall: actual ? row[digit] / actual : 0 };
  });
}

/** the split scored on the inputs the model reads (inputSpecOf) at `temperature` (the model file's, via temperatureOf; 1 before calibration) */
export function evaluate(net: Network, split: Split, input: InputSpec, temperature = 1): Evaluation {
  const predicted = new Uint8Array(split.count);
  const confidence = new Float32Array(split.count);
  const tally = tallyPredictions(net, split.images, split.labels, input, 0, split.count, (i, digit, probability) => {
    predicted[i] = digit;
    confidence[i] = probability;
  }, temperature);
  const confusion = confusionRows(tally.confusion);
  return {
    count: split.count,
    accuracy: tally.correct / split.count,
    loss: tally.loss / split.count,
    confusion,
    perClass: perClassFromConfusion(confusion),
    predicted,
    confidence,
    ece: expectedCalibrationError(confidence, Array.from(predicted, (p, i) => p === split.labels[i])),
  };
}

/** the confusion matrix as aligned text, rows = true digit, columns = predicted */
export function formatConfusion(confusion: number[][]): string {
  const w = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = 'true\\pred'.padEnd(10) + confusion.map((_, k) => String(k).padStart(w)).join('');
  const rows = confusion.map((row, t) => String(t).padEnd(10) + row.map((v) => String(v).padStart(w)).join(''));
  return [head, ...rows].join('\n');
}

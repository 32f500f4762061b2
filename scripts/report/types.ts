import type { PerClass } from '../lib/evaluate.js';

// the data a training run hands to writeReport; report.json holds the same, with pixels as plain arrays.
// losses are mean cross-entropy; accuracies, confidences, precision and recall are fractions in 0..1.

export interface EpochRecord { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number; seconds: number; samplesPerSec: number; learningRate?: number }
export interface SampleRecord { pixels: Uint8Array /* 784, 0..255, ink bright */; label: number; predicted: number; confidence: number }
export interface RunReport {
  title: string;                       // e.g. "784-128-10 · adam · 12 epochs"
  settings: Record<string, string | number | boolean>;
  figures: Record<string, string | number>; // e.g. test accuracy, seconds to 98%, samples/s, peak RSS MB, model version
  epochs: EpochRecord[];
  confusion: number[][];               // 10x10, [true][predicted] counts on the test set
  samples: SampleRecord[];             // e.g. 40 first test digits + up to 24 misclassified ones
  perClass?: PerClass[];               // computed from confusion when absent
}

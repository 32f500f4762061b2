import type { ReliabilityBin } from '../../shared/model/calibration.js';
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
  robustness?: RobustnessReport;       // the evaluation sets of data/eval (npm run train -- --robustness)
}

/** one evaluation set scored as the Worker reads its pictures */
export interface RobustnessSet {
  name: string;
  kind: 'digits' | 'ood';              // ood: not a digit (letters, scribbles, two digits)
  about: string;
  count: number;
  accuracy: number | null;             // digits only; a 422 counts as wrong
  rejected: number;                    // share answered 422 (no digit found)
  ece: number | null;                  // digits only, at the model's temperature, 15 equal-width bins
  eceUncalibrated: number | null;      // the same at temperature 1
  flagged: number;                     // share the uncertain flag fires on (a 422 counts as flagged)
  flaggedCorrect: number | null;       // digits only: share flagged although the answer was right
}

/** a wrong answer on an evaluation set */
export interface MistakeRecord {
  set: string;
  label: number;
  predicted: number;
  confidence: number;                  // calibrated probability of the wrong answer
  uncertain: boolean;                  // whether the flag fired
  sent: string;                        // the picture as sent: a PNG data URI, at most 112 px a side
  seen: Uint8Array;                    // 784, 0..255, ink bright: what the model saw after preprocessing
}

export interface RobustnessReport {
  temperature: number;
  sets: RobustnessSet[];
  /** reliability diagrams: confidence against accuracy per bin, at temperature 1 and at the model's */
  reliability: { title: string; before: ReliabilityBin[]; after: ReliabilityBin[] }[];
  mistakes: MistakeRecord[];           // the most confident wrong answers on the digit sets
  numbers?: NumbersReport;             // the number sets read as POST /read reads them
}

/** one line of the numbers table: a set, all sets, a length or a gap (scripts/eval/read-score.ts tallyRows) */
export interface NumberRowRecord {
  name: string;
  group: 'set' | 'all' | 'length' | 'gap';
  numbers: number;
  exact: number | null;                // exact matches, as a fraction
  perDigit: number | null;             // digits read right, in order
  alone: number | null;                // the same digits read one by one, as POST /classify reads them
  notFlagged: number | null;           // numbers not flagged uncertain
  exactNotFlagged: number | null;      // exact matches among those
}

export interface NumbersReport {
  rows: NumberRowRecord[];
  /** the headline: 2–4-digit numbers of MNIST test digits that do not touch */
  shortApart: { n: number; exact: number };
}

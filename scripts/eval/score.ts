// scores models on evaluation sets exactly as the Worker answers a png: the decoded picture goes
// through the shared preprocessImage, then the shared predictor of the model file (its calibrated
// temperature, its uncertain flag); "no digit found" (422) is an answer too.
import { ImageError } from '../../shared/image/decoded';
import { preprocessImage } from '../../shared/image/preprocess';
import { expectedCalibrationError } from '../../shared/model/calibration';
import type { DecodedModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import type { DoubtReason } from '../../shared/model/uncertainty';
import type { EvalSet } from './set';

export interface SetScore {
  count: number;
  /** share read as their own digit (digit sets); a 422 counts as wrong */
  accuracy: number;
  /** share answered "no digit found" (422) */
  rejected: number;
  /** mean probability of the predicted digit, over the pictures that got an answer */
  meanTop: number;
  /** for each threshold, the share of pictures whose top probability is below it, or that were rejected */
  below: number[];
  /** share the uncertain flag fires on; a 422 counts as flagged */
  flagged: number;
  /** digit sets: share flagged although the answer was right */
  flaggedCorrect: number;
  /** digit sets: expected calibration error (15 bins) over the answered pictures, at the model's temperature and at 1 */
  ece: number;
  eceUncalibrated: number;
  /** per picture: the digit answered, or -1 for a 422 */
  predicted: Int8Array;
  /** per picture: the top probability (calibrated), 0 for a 422 */
  top: Float32Array;
  /** per picture: the top probability at temperature 1, 0 for a 422 */
  topUncalibrated: Float32Array;
  /** per picture: why the flag fired, null when it did not or for a 422 */
  reasons: (DoubtReason | null)[];
}

/** the 784 model inputs of every picture, or null where the Worker would answer 422 */
export function preprocessSet(set: EvalSet): (Float32Array | null)[] {
  return set.items.map(({ image }) => {
    try {
      return preprocessImage(image);
    } catch (e) {
      if (e instanceof ImageError) return null;
      throw e;
    }
  });
}

/** the top probability softmax(z) would give, from p = softmax(z / T): p^T renormalised */
export function topAtTemperatureOne(probabilities: readonly number[], digit: number, T: number): number {
  if (T === 1) return probabilities[digit];
  let sum = 0;
  for (const p of probabilities) sum += Math.pow(p, T);
  return Math.pow(probabilities[digit], T) / sum;
}

export function scoreSet(model: DecodedModel, set: EvalSet, inputs: (Float32Array | null)[], thresholds: readonly number[] = []): SetScore {
  const predictor = predictorFor(model);
  const T = model.header.calibration?.temperature ?? 1;
  const n = set.items.length;
  const predicted = new Int8Array(n).fill(-1);
  const top = new Float32Array(n);
  const topUncalibrated = new Float32Array(n);
  const reasons: (DoubtReason | null)[] = new Array(n).fill(null);
  const answered = inputs.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
  const BATCH = 256;
  for (let start = 0; start < answered.length; start += BATCH) {
    const ids = answered.slice(start, start + BATCH);
    predictor.predict(ids.map((i) => inputs[i]!)).forEach((p, k) => {
      const i = ids[k];
      predicted[i] = p.digit;
      top[i] = p.confidence;
      topUncalibrated[i] = topAtTemperatureOne(p.probabilities, p.digit, T);
      reasons[i] = p.reason;
    });
  }
  let correct = 0, topSum = 0, flagged = n - answered.length, flaggedCorrect = 0;
  for (let i = 0; i < n; i++) {
    const right = predicted[i] === set.items[i].label;
    if (right) correct++;
    topSum += top[i];
    if (reasons[i]) {
      flagged++;
      if (right) flaggedCorrect++;
    }
  }
  const right = answered.map((i) => predicted[i] === set.items[i].label);
  return {
    count: n,
    accuracy: correct / n,
    rejected: (n - answered.length) / n,
    meanTop: answered.length ? topSum / answered.length : 0,
    below: thresholds.map((t) => top.reduce((c, v) => c + (v < t ? 1 : 0), 0) / n),
    flagged: flagged / n,
    flaggedCorrect: flaggedCorrect / n,
    ece: expectedCalibrationError(answered.map((i) => top[i]), right),
    eceUncalibrated: expectedCalibrationError(answered.map((i) => topUncalibrated[i]), right),
    predicted,
    top,
    topUncalibrated,
    reasons,
  };
}

// scores models on evaluation sets exactly as the Worker answers a png: the decoded picture goes
// through the shared preprocessImage, then the shared predictor; "no digit found" (422) is an answer too.
import { ImageError } from '../../shared/image/decoded';
import { preprocessImage } from '../../shared/image/preprocess';
import { createPredictor } from '../../shared/model/predict';
import type { Network } from '../../shared/model/network';
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
  /** per picture: the digit answered, or -1 for a 422 */
  predicted: Int8Array;
  /** per picture: the top probability, 0 for a 422 */
  top: Float32Array;
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

export function scoreSet(net: Network, inputScale: number, set: EvalSet, inputs: (Float32Array | null)[], thresholds: readonly number[] = []): SetScore {
  const predictor = createPredictor(net, inputScale);
  const n = set.items.length;
  const predicted = new Int8Array(n).fill(-1);
  const top = new Float32Array(n);
  const answered = inputs.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
  const BATCH = 256;
  for (let start = 0; start < answered.length; start += BATCH) {
    const ids = answered.slice(start, start + BATCH);
    predictor.predict(ids.map((i) => inputs[i]!)).forEach((p, k) => {
      predicted[ids[k]] = p.digit;
      top[ids[k]] = p.confidence;
    });
  }
  let correct = 0, topSum = 0;
  for (let i = 0; i < n; i++) {
    if (predicted[i] === set.items[i].label) correct++;
    topSum += top[i];
  }
  return {
    count: n,
    accuracy: correct / n,
    rejected: (n - answered.length) / n,
    meanTop: answered.length ? topSum / answered.length : 0,
    below: thresholds.map((t) => top.reduce((c, v) => c + (v < t ? 1 : 0), 0) / n),
    predicted,
    top,
  };
}

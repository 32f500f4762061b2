// temperature scaling (Guo et al. 2017, "On calibration of modern neural networks"): one number T
// divides the logits before the softmax, so probabilities say how often the answer is right.
// T > 1 softens an over-confident model, T < 1 sharpens an under-confident one; the argmax, and so
// the accuracy, never changes. B = images, K = classes.

/** calibration error is measured over this many equal-width confidence bins, [0, 1/15), [1/15, 2/15), … */
export const ECE_BINS = 15;

/** temperatures are searched in [MIN_TEMPERATURE, MAX_TEMPERATURE]; the model file refuses others */
export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 20;

/** one bin of a reliability diagram */
export interface ReliabilityBin {
  lo: number; // confidence range [lo, hi); the last bin includes 1
  hi: number;
  count: number;
  confidence: number; // mean confidence of its answers, NaN when empty
  accuracy: number; // share of its answers that were right, NaN when empty
}

const binOf = (confidence: number, bins: number) => Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)));

/** answers (confidence of the answer given, whether it was right) grouped into `bins` equal-width bins */
export function reliabilityBins(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = ECE_BINS): ReliabilityBin[] {
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const right = new Float64Array(bins);
  for (let i = 0; i < confidence.length; i++) {
    const b = binOf(confidence[i], bins);
    count[b]++;
    confSum[b] += confidence[i];
    if (correct[i]) right[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: count[b],
    confidence: count[b] ? confSum[b] / count[b] : NaN,
    accuracy: count[b] ? right[b] / count[b] : NaN,
  }));
}

/** expected calibration error: Σ_bins (share of answers in the bin) × |accuracy − mean confidence|; 0 for no answers */
export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = ECE_BINS): number {
  const n = confidence.length;
  if (n === 0) return 0;
  let ece = 0;
  for (const bin of reliabilityBins(confidence, correct, bins)) {
    if (bin.count) ece += (bin.count / n) * Math.abs(bin.accuracy - bin.confidence);
  }
  return ece;
}

/** mean negative log-likelihood of labels (B) under softmax(logits (B, K) / T), in float64 */
export function temperatureNll(logits: ArrayLike<number>, labels: ArrayLike<number>, B: number, K: number, T: number): number {
  if (B === 0) return 0;
  const inv = 1 / T;
  let total = 0;
  for (let b = 0; b < B; b++) {
    const o = b * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[o + k] * inv);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[o + k] * inv - max);
    total += max + Math.log(sum) - logits[o + labels[b]] * inv;
  }
  return total / B;
}

export interface TemperatureFit {
  temperature: number;
  nllBefore: number; // at T = 1
  nllAfter: number; // at the fitted T
}

/**
 * the T in [MIN_TEMPERATURE, MAX_TEMPERATURE] minimising the mean NLL of held-out labels.
 * the NLL is convex in 1/T (a log-sum-exp of a linear function minus a linear function), so it has
 * one minimum along T too, and a golden-section search on log T finds it: 60 steps narrow the
 * bracket to ~1e-12 of its width, each one NLL over the held-out logits (B × K exps).
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, B: number, K: number): TemperatureFit {
  const nll = (logT: number) => temperatureNll(logits, labels, B, K, Math.exp(logT));
  const PHI = (Math.sqrt(5) - 1) / 2;
  let lo = Math.log(MIN_TEMPERATURE), hi = Math.log(MAX_TEMPERATURE);
  let a = hi - PHI * (hi - lo), b = lo + PHI * (hi - lo);
  let fa = nll(a), fb = nll(b);
  for (let step = 0; step < 60; step++) {
    if (fa <= fb) {
      hi = b; b = a; fb = fa;
      a = hi - PHI * (hi - lo); fa = nll(a);
    } else {
      lo = a; a = b; fa = fb;
      b = lo + PHI * (hi - lo); fb = nll(b);
    }
  }
  const temperature = Math.exp((lo + hi) / 2);
  return { temperature, nllBefore: nll(0), nllAfter: nll(Math.log(temperature)) };
}

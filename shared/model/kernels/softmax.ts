// softmax with cross-entropy. B = batch, K = classes.

/**
 * probs (B, K) = softmax(logits (B, K) / temperature), shifted by the row max so exp never overflows.
 * temperature 1 (training) multiplies by exactly 1, so it changes no bit.
 */
export function softmaxForward(probs: Float32Array, logits: Float32Array, B: number, K: number, temperature = 1): void {
  const invT = 1 / temperature;
  for (let b = 0; b < B; b++) {
    const o = b * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (logits[o + k] > max) max = logits[o + k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp((logits[o + k] - max) * invT);
      probs[o + k] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let k = 0; k < K; k++) probs[o + k] *= inv;
  }
}

/**
 * the smoothed target probability of class k when the label is t: (1 - s)·onehot + s/K. a label of K
 * or more (NOT_A_DIGIT) is no class: its target is uniform, 1/K each (outlier exposure, Hendrycks et al.
 * 2019), so what is not one digit (a cut through two, a stroke cut off one) is read with low confidence.
 */
const target = (k: number, t: number, smoothing: number, K: number): number => (t >= K ? 1 / K : (k === t ? 1 - smoothing : 0) + smoothing / K);

/**
 * Σ_b cross-entropy of probs (B, K) against targets (B) smoothed by `smoothing`
 * (target = (1 - s)·onehot + s/K); returns the sum, not the mean, so shards add up exactly.
 */
export function crossEntropyForward(probs: Float32Array, targets: ArrayLike<number>, B: number, K: number, smoothing = 0): number {
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const o = b * K;
    for (let k = 0; k < K; k++) {
      const q = target(k, targets[b], smoothing, K);
      if (q !== 0) loss -= q * Math.log(probs[o + k] + 1e-12);
    }
  }
  return loss;
}

/** dlogits (B, K) = (probs - target) · scale: the gradient of softmax + cross-entropy together */
export function softmaxCrossEntropyBackward(
  dlogits: Float32Array, probs: Float32Array, targets: ArrayLike<number>,
  B: number, K: number, scale: number, smoothing = 0,
): void {
  for (let b = 0; b < B; b++) {
    const o = b * K;
    for (let k = 0; k < K; k++) dlogits[o + k] = (probs[o + k] - target(k, targets[b], smoothing, K)) * scale;
  }
}

// distillation (Hinton et al. 2015): the student also matches the teacher's softened probabilities.
// studentSoft = softmax(student logits / T), teacherSoft = softmax(teacher logits / T), both (B, K).

/**
 * Σ_b KL(teacherSoft ‖ studentSoft) = Σ t·(log t − log s), summed over the batch (not the mean) so
 * shards add up; a teacher probability of 0 contributes 0
 */
export function distillationForward(studentSoft: Float32Array, teacherSoft: Float32Array, B: number, K: number): number {
  let kl = 0;
  for (let i = 0; i < B * K; i++) {
    const t = teacherSoft[i];
    if (t > 0) kl += t * (Math.log(t) - Math.log(studentSoft[i] + 1e-12));
  }
  return kl;
}

/**
 * dlogits (B, K) += (studentSoft − teacherSoft) · T · scale: the gradient of T²·KL(teacherSoft ‖ studentSoft)
 * with respect to the student's logits (the T² keeps the soft term's gradients the size of the hard
 * term's as T grows; one T is taken back by the softmax's 1/T). accumulates: the caller writes the
 * hard term first
 */
export function distillationBackward(
  dlogits: Float32Array, studentSoft: Float32Array, teacherSoft: Float32Array,
  B: number, K: number, temperature: number, scale: number,
): void {
  const f = temperature * scale;
  for (let i = 0; i < B * K; i++) dlogits[i] += (studentSoft[i] - teacherSoft[i]) * f;
}

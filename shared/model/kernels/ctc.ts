// connectionist temporal classification (Graves et al. 2006): the probability of a label sequence
// under T frames of class probabilities, summed over every alignment. class 0 is the blank; a label
// l is class l + 1. T = frames, C = classes (blank included), S = 2·labels + 1 (the label with
// blanks between and around). everything in natural-log space, so long lines never underflow.

export const BLANK = 0;
const NONE = -Infinity;

/** log(e^a + e^b), exact when either is -Infinity */
function logAdd(a: number, b: number): number {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** the extended label: blank, l1, blank, l2, …, blank, as classes */
function extended(label: ArrayLike<number>): Int32Array {
  const ext = new Int32Array(2 * label.length + 1);
  for (let i = 0; i < label.length; i++) ext[2 * i + 1] = label[i] + 1;
  return ext;
}

/** frame t's log-probability of class c, floored so a zero probability stays finite */
const logProb = (probs: Float32Array, C: number, t: number, c: number) => Math.log(Math.max(probs[t * C + c], 1e-30));

/**
 * alpha (T, S): log-probability of the frames 0..t having emitted the extended label up to s.
 * returns log p(label | probs), -Infinity when the label cannot fit in T frames.
 */
function forwardVariables(alpha: Float64Array, probs: Float32Array, T: number, C: number, ext: Int32Array): number {
  const S = ext.length;
  alpha.fill(NONE, 0, T * S);
  alpha[0] = logProb(probs, C, 0, BLANK);
  if (S > 1) alpha[1] = logProb(probs, C, 0, ext[1]);
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * S, row = t * S;
    for (let s = 0; s < S; s++) {
      let a = logAdd(alpha[prev + s], s > 0 ? alpha[prev + s - 1] : NONE);
      // a label may skip the blank before it unless it repeats the one before (two 4s need a blank between)
      if (s > 1 && ext[s] !== BLANK && ext[s] !== ext[s - 2]) a = logAdd(a, alpha[prev + s - 2]);
      alpha[row + s] = a === NONE ? NONE : a + logProb(probs, C, t, ext[s]);
    }
  }
  const last = (T - 1) * S;
  return S > 1 ? logAdd(alpha[last + S - 1], alpha[last + S - 2]) : alpha[last];
}

/** log p(label | probs (T, C)): how well a reading fits the frames, for comparing readings */
export function ctcLogProbability(probs: Float32Array, T: number, C: number, label: ArrayLike<number>): number {
  const ext = extended(label);
  return forwardVariables(new Float64Array(T * ext.length), probs, T, C, ext);
}

/**
 * the CTC loss −log p(label | probs (T, C)), and dlogits (T, C) = (probs − posterior of each class
 * at each frame) · scale: the gradient wrt the logits under a softmax, as softmaxCrossEntropyBackward
 * is for one label. a label that cannot fit in T frames gives loss 0 and no gradient (it teaches nothing).
 */
export function ctcLoss(dlogits: Float32Array, probs: Float32Array, T: number, C: number, label: ArrayLike<number>, scale: number): number {
  const ext = extended(label);
  const S = ext.length;
  const alpha = new Float64Array(T * S);
  const logP = forwardVariables(alpha, probs, T, C, ext);
  if (logP === NONE || !Number.isFinite(logP)) {
    dlogits.fill(0, 0, T * C);
    return 0;
  }
  // beta (T, S): log-probability of the frames t..T-1 emitting the extended label from s on
  const beta = new Float64Array(T * S).fill(NONE);
  const last = (T - 1) * S;
  beta[last + S - 1] = logProb(probs, C, T - 1, ext[S - 1]);
  if (S > 1) beta[last + S - 2] = logProb(probs, C, T - 1, ext[S - 2]);
  for (let t = T - 2; t >= 0; t--) {
    const next = (t + 1) * S, row = t * S;
    for (let s = 0; s < S; s++) {
      let b = logAdd(beta[next + s], s + 1 < S ? beta[next + s + 1] : NONE);
      if (s + 2 < S && ext[s] !== BLANK && ext[s] !== ext[s + 2]) b = logAdd(b, beta[next + s + 2]);
      beta[row + s] = b === NONE ? NONE : b + logProb(probs, C, t, ext[s]);
    }
  }
  const posterior = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    posterior.fill(0);
    for (let s = 0; s < S; s++) {
      // alpha and beta both count frame t's own probability once
      const v = alpha[t * S + s] + beta[t * S + s] - logProb(probs, C, t, ext[s]) - logP;
      if (v > -80) posterior[ext[s]] += Math.exp(v);
    }
    for (let c = 0; c < C; c++) dlogits[t * C + c] = (probs[t * C + c] - posterior[c]) * scale;
  }
  return -logP;
}

/** the best path's reading: each frame's likeliest class, repeats merged, blanks dropped; `frames` gets each label's first frame */
export function ctcGreedy(probs: Float32Array, T: number, C: number, frames?: number[]): number[] {
  const out: number[] = [];
  let prev = BLANK;
  for (let t = 0; t < T; t++) {
    let c = 0;
    for (let k = 1; k < C; k++) if (probs[t * C + k] > probs[t * C + c]) c = k;
    if (c !== BLANK && c !== prev) {
      out.push(c - 1);
      frames?.push(t);
    }
    prev = c;
  }
  return out;
}


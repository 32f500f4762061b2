import { D, K } from '../../shared/dims';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createInputScratch, writeInput, type InputSpec } from '../../shared/model/input';
import type { Network } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { createShapeScratch, judge, topTwo, UNCERTAINTY_PROBE_VERSION, type DoubtReason, type UncertaintyProbe } from '../../shared/model/uncertainty';
import { tuneSets, type RunDigits, type TuneSet } from '../tune/sets';
import type { Split } from './mnist';

// fits the model's "not a digit" probe (shared/model/uncertainty.ts) after training: a logistic
// regression over the last hidden layer and ln p1, ln p2, telling digits (training images as they
// are, drawn with a thicker pen, traced with a pad pen) from not-digits (handwritten letters,
// scribbles, two or three digits side by side) that scripts/tune/ makes from training images.
// its threshold is then set on the images held out of training, so that all the rules together
// flag FLAG_RATE of them. the test set and the evaluation sets are never read.

/** the share of held-out (never trained on) MNIST digits the uncertain flag may fire on */
export const FLAG_RATE = 0.02;
/** pictures of each tuning kind made to fit the probe */
export const PER_KIND = 1200;
const SEED = 0x0dd;
const EPOCHS = 12;
const BATCH = 128;
const LR = 0.03;
const L2 = 1e-3;

/** per image: last hidden layer (H), ln p1, ln p2 at the calibrated temperature; and the probabilities (K) */
export function probeFeatures(net: Network, input: InputSpec, temperature: number, inputs: ArrayLike<number>[]): { features: Float32Array; probs: Float32Array; F: number } {
  const L = net.layers.length;
  if (L < 2) throw new Error('the uncertainty probe reads the last hidden layer; this network has none');
  const H = net.sizes[L - 1];
  const F = H + 2;
  const B = 256;
  const ws = createWorkspace(net.sizes, B);
  const x = new Float32Array(B * D);
  const scratch = createInputScratch();
  const features = new Float32Array(inputs.length * F);
  const probs = new Float32Array(inputs.length * K);
  for (let s = 0; s < inputs.length; s += B) {
    const n = Math.min(B, inputs.length - s);
    for (let b = 0; b < n; b++) writeInput(x, b * D, inputs[s + b], 0, input, scratch);
    const p = forward(net, x, n, ws, temperature);
    probs.set(p, s * K);
    const hidden = ws.acts[L - 2];
    for (let b = 0; b < n; b++) {
      const o = (s + b) * F;
      features.set(hidden.subarray(b * H, (b + 1) * H), o);
      const [p1, p2] = topTwo(p.subarray(b * K, (b + 1) * K));
      features[o + H] = Math.log(p1 + 1e-12);
      features[o + H + 1] = Math.log(p2 + 1e-12);
    }
  }
  return { features, probs, F };
}

/**
 * logistic regression, y = 1 for not-digits, on standardised features with mini-batch Adam and a
 * little L2; returns weights and bias for the raw features (the standardisation folded in)
 */
export function fitLogistic(features: Float32Array, y: Uint8Array, F: number, seed: number): { weights: Float64Array; bias: number } {
  const N = y.length;
  const mean = new Float64Array(F), sd = new Float64Array(F);
  for (let i = 0; i < N; i++) for (let f = 0; f < F; f++) mean[f] += features[i * F + f] / N;
  for (let i = 0; i < N; i++) for (let f = 0; f < F; f++) sd[f] += (features[i * F + f] - mean[f]) ** 2 / N;
  for (let f = 0; f < F; f++) sd[f] = Math.sqrt(sd[f]) + 1e-6;
  const w = new Float64Array(F + 1); // the last one is the bias
  const m = new Float64Array(F + 1), v = new Float64Array(F + 1), g = new Float64Array(F + 1);
  const z = new Float64Array(F);
  const rng = createRng(seed);
  const order = Int32Array.from({ length: N }, (_, i) => i);
  let t = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < N; start += BATCH) {
      const n = Math.min(BATCH, N - start);
      g.fill(0);
      for (let k = 0; k < n; k++) {
        const i = order[start + k];
        let s = w[F];
        for (let f = 0; f < F; f++) s += w[f] * (z[f] = (features[i * F + f] - mean[f]) / sd[f]);
        const err = 1 / (1 + Math.exp(-s)) - y[i];
        for (let f = 0; f < F; f++) g[f] += (err * z[f]) / n;
        g[F] += err / n;
      }
      for (let f = 0; f < F; f++) g[f] += L2 * w[f];
      t++;
      for (let f = 0; f <= F; f++) {
        m[f] = 0.9 * m[f] + 0.1 * g[f];
        v[f] = 0.999 * v[f] + 0.001 * g[f] * g[f];
        w[f] -= (LR * (m[f] / (1 - 0.9 ** t))) / (Math.sqrt(v[f] / (1 - 0.999 ** t)) + 1e-8);
      }
    }
  }
  const weights = new Float64Array(F);
  let bias = w[F];
  for (let f = 0; f < F; f++) {
    weights[f] = w[f] / sd[f];
    bias -= (w[f] * mean[f]) / sd[f];
  }
  return { weights, bias };
}

/** the flag on each input, from the shared decision */
export function judgeAll(probe: UncertaintyProbe | null, inputs: ArrayLike<number>[], features: Float32Array, probs: Float32Array, F: number): (DoubtReason | null)[] {
  const scratch = createShapeScratch();
  const H = F - 2;
  return inputs.map((x, i) => judge(x, probs.subarray(i * K, (i + 1) * K), probe ? features.subarray(i * F, i * F + H) : null, probe, scratch).reason);
}

export interface ProbeFit {
  probe: UncertaintyProbe;
  /** per tuning kind, made afresh from the held-out images: the share flagged */
  check: { name: string; digits: boolean; flagged: number }[];
}

const round7 = (x: number) => Number(x.toPrecision(7));

/**
 * fits the probe on `trainable` (images the run trained on; `run` adds what else it trained on) and
 * sets its threshold on `heldOut`
 */
export function fitUncertainty(net: Network, input: InputSpec, temperature: number, trainable: Split, heldOut: Split, run: RunDigits = {}, perKind = PER_KIND): ProbeFit {
  const sets = tuneSets(trainable, perKind, SEED, run);
  const inputs = sets.flatMap((s) => s.inputs);
  const y = Uint8Array.from(sets.flatMap((s) => s.inputs.map(() => (s.digits ? 0 : 1))));
  const { features, F } = probeFeatures(net, input, temperature, inputs);
  const { weights, bias } = fitLogistic(features, y, F, SEED);
  const probe: UncertaintyProbe = {
    version: UNCERTAINTY_PROBE_VERSION,
    weights: Array.from(weights, round7),
    bias: round7(bias),
    threshold: 0,
    fittedOn: `${inputs.length} pictures made by scripts/tune/ from the training images (${sets.map((s) => `${s.inputs.length} ${s.name}`).join(', ')}); threshold set to flag ${FLAG_RATE * 100}% of the ${heldOut.count} held-out images`,
    heldOutFlagged: 0,
  };

  // the threshold: of the held-out digits the other rules leave alone, flag the highest-scoring ones up to FLAG_RATE in all
  const held = Array.from({ length: heldOut.count }, (_, i) => heldOut.images.subarray(i * D, (i + 1) * D));
  const h = probeFeatures(net, input, temperature, held);
  const others = judgeAll(null, held, h.features, h.probs, F);
  const scores: number[] = [];
  for (let i = 0; i < held.length; i++) {
    if (others[i] !== null) continue;
    let s = probe.bias;
    for (let f = 0; f < F; f++) s += probe.weights[f] * h.features[i * F + f];
    scores.push(s);
  }
  scores.sort((a, b) => b - a);
  const budget = Math.max(0, Math.round(FLAG_RATE * held.length) - (held.length - scores.length));
  probe.threshold = round7(budget > 0 ? (scores[budget - 1] + scores[budget]) / 2 : scores[0] + 1e-3);
  const flagged = judgeAll(probe, held, h.features, h.probs, F);
  probe.heldOutFlagged = round7(flagged.filter((r) => r !== null).length / held.length);
  return { probe, check: checkOn(net, input, temperature, probe, heldOut, { transform: run.transform }) };
}

/** the flag rate on fresh tuning pictures made from the held-out images (never seen by the fit) */
function checkOn(net: Network, input: InputSpec, temperature: number, probe: UncertaintyProbe, heldOut: Split, run: RunDigits): ProbeFit['check'] {
  return tuneSets(heldOut, 300, SEED + 1, run).filter((s) => s.name !== 'digits as they are').map((s: TuneSet) => {
    const { features, probs, F } = probeFeatures(net, input, temperature, s.inputs);
    const reasons = judgeAll(probe, s.inputs, features, probs, F);
    return { name: s.name, digits: s.digits, flagged: reasons.filter((r) => r !== null).length / Math.max(1, s.inputs.length) };
  });
}

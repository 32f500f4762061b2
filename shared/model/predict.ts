import { D } from '../dims';
import { temperatureOf, type DecodedModel } from './format';
import { createWorkspace, forward, type Workspace } from './forward';
import { linearForwardBatched } from './kernels/linear';
import { createInputScratch, inputSpecOf, PLAIN_INPUT, writeInput, type InputSpec } from './input';
import type { Network } from './network';
import { createShapeScratch, judge, type DoubtReason, type UncertaintyProbe } from './uncertainty';

// what the Worker and the browser ask of a model: 0..255 pixels in, a digit out, and whether to trust it.

export interface Prediction {
  digit: number;
  confidence: number; // probability of `digit`, calibrated when the model file has a temperature
  probabilities: number[]; // (K)
  uncertain: boolean; // the answer should not be trusted (shared/model/uncertainty.ts)
  reason: DoubtReason | null; // why, or null
}

/**
 * the model answered a probability that is not a finite number. servable.ts refuses a model that can
 * overflow for any pixels in range, so this is a last guard: such an answer is never sent
 * ("confidence": null in JSON); the Worker answers 503 model_unavailable instead.
 */
export class NonFiniteAnswerError extends Error {
  override name = 'NonFiniteAnswerError';
}

/**
 * a batch holds more non-zero network inputs (after scaling and deskewing) than the caller's budget:
 * refused before the forward pass, whose first layer costs in proportion to them
 */
export class InkBudgetError extends Error {
  override name = 'InkBudgetError';
  constructor(readonly inked: number, readonly max: number) {
    super(`the batch holds ${inked} non-zero inputs, more than the ${max} allowed`);
  }
}

/** non-zero values of x[0, n): the inked inputs a first layer's work grows with */
export function countNonZero(x: Float32Array, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (x[i] !== 0) count++;
  return count;
}

/** what the model file adds to its network: the calibrated temperature and the uncertainty probe */
export interface PredictorOptions {
  temperature?: number; // default 1
  probe?: UncertaintyProbe | null;
}

/** index of the largest value in a[from, from + n) */
export function argmax(a: ArrayLike<number>, from = 0, n = a.length - from): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (a[from + k] > a[from + best]) best = k;
  return best;
}

export interface Predictor {
  /** images: B images of D values 0..255, ink bright on dark */
  predict(images: ArrayLike<number>[]): Prediction[];
  /**
   * the same for B images packed one after another: pixels (B, D). with maxInked, a batch whose
   * network inputs hold more non-zero values throws InkBudgetError before the forward pass
   */
  predictPacked(pixels: Float32Array, B: number, maxInked?: number): Prediction[];
}

/** wraps a network with reusable buffers; B grows as needed. the input spec, temperature and probe come from the model header (predictorFor) */
export function createPredictor(net: Network, input: InputSpec = PLAIN_INPUT, { temperature = 1, probe = null }: PredictorOptions = {}): Predictor {
  let ws: Workspace | null = null;
  let x = new Float32Array(0); // (B, D) network inputs
  const inputScratch = createInputScratch();
  const L = net.layers.length;
  const K = net.sizes[L];
  const H = L > 1 ? net.sizes[L - 1] : 0; // the last hidden layer the probe reads
  const scratch = createShapeScratch();

  function reserve(B: number): Workspace {
    if (ws === null || ws.B < B) {
      ws = createWorkspace(net.sizes, B);
      x = new Float32Array(B * D);
    }
    return ws;
  }

  /** forward over x[0, B·D) and one Prediction per image; pixels(b) are image b's D values 0..255 */
  function run(B: number, workspace: Workspace, pixels: (b: number) => ArrayLike<number>): Prediction[] {
    const probs = forward(net, x, B, workspace, temperature, linearForwardBatched);
    const hidden = H ? workspace.acts[L - 2] : null; // (B, H)
    const out: Prediction[] = new Array(B);
    for (let b = 0; b < B; b++) {
      const probabilities: number[] = new Array(K);
      for (let k = 0; k < K; k++) {
        const p = probs[b * K + k];
        if (!Number.isFinite(p)) throw new NonFiniteAnswerError(`image ${b} got probability ${p} for digit ${k}: the model's activations overflowed`);
        probabilities[k] = p;
      }
      const digit = argmax(probabilities);
      const { uncertain, reason } = judge(pixels(b), probabilities, hidden ? hidden.subarray(b * H, (b + 1) * H) : null, probe, scratch);
      out[b] = { digit, confidence: probabilities[digit], probabilities, uncertain, reason };
    }
    return out;
  }

  return {
    predict(images) {
      const B = images.length;
      if (B === 0) return [];
      const workspace = reserve(B);
      for (let b = 0; b < B; b++) {
        const img = images[b];
        if (img.length !== D) throw new Error(`image ${b} has ${img.length} pixels, expected ${D}`);
        writeInput(x, b * D, img, 0, input, inputScratch);
      }
      return run(B, workspace, (b) => images[b]);
    },
    predictPacked(pixels, B, maxInked = Infinity) {
      if (pixels.length < B * D) throw new Error(`${pixels.length} values do not hold ${B} images of ${D} pixels`);
      if (B === 0) return [];
      const workspace = reserve(B);
      for (let b = 0; b < B; b++) writeInput(x, b * D, pixels, b * D, input, inputScratch);
      if (maxInked < B * D) {
        const inked = countNonZero(x, B * D);
        if (inked > maxInked) throw new InkBudgetError(inked, maxInked);
      }
      return run(B, workspace, (b) => pixels.subarray(b * D, (b + 1) * D));
    },
  };
}

/** the predictor a model file asks for: its input (scale, deskew), calibrated temperature and uncertainty probe */
export const predictorFor = (model: DecodedModel): Predictor =>
  createPredictor(model.network, inputSpecOf(model.header), { temperature: temperatureOf(model.header), probe: model.header.uncertainty ?? null });

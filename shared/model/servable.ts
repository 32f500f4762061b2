import { D, PIXEL_MAX } from '../dims';
import { overflowProblem } from './bound';
import { budgetProblems, describeBudgetProblems } from './budget';
import { decodeModel, type DecodedModel } from './format';
import { NonFiniteAnswerError, predictorFor, type Predictor } from './predict';

// the gate a model file passes before anyone is answered with it: the Worker when it loads one,
// `npm run upload` before it publishes one. on top of the decoder's checks (magic, checksum, sizes,
// finite weights) the model must fit a Worker (budget.ts), have no activation that can overflow
// float32 for any pixels in 0..255 (bound.ts: weights of 3e38 are finite, so the decoder accepts
// them, but one lit pixel can make every answer NaN, "confidence": null in JSON), and answer finite
// probabilities on a few fixed probe images (a check of the forward pass itself, beside the bound).

export class UnservableModelError extends Error {
  override name = 'UnservableModelError';
}

/** (name, 784 pixels 0..255): no ink, all ink, a checkerboard, and a fixed pseudo-random image */
export const PROBE_IMAGES: readonly (readonly [string, Uint8Array])[] = [
  ['a blank image', new Uint8Array(D)],
  ['an all-ink image', new Uint8Array(D).fill(PIXEL_MAX)],
  ['a checkerboard', Uint8Array.from({ length: D }, (_, i) => (((i % 28) + Math.floor(i / 28)) % 2) * PIXEL_MAX)],
  // a multiplicative hash of the index: grey levels everywhere, the same on every runtime
  ['a noise image', Uint8Array.from({ length: D }, (_, i) => Math.imul(i + 1, 2654435761) >>> 24)],
];

/** why the predictor is unusable on the probe images (four forward passes), or null when every probability is finite */
export function probeProblem(predictor: Predictor): string | null {
  for (const [name, pixels] of PROBE_IMAGES) {
    try {
      predictor.predict([pixels]);
    } catch (e) {
      if (e instanceof NonFiniteAnswerError) return `on ${name} it answers a probability that is not a number: its activations overflow float32`;
      throw e;
    }
  }
  return null;
}

export interface ServableModel {
  model: DecodedModel;
  predictor: Predictor;
}

const SMALLER = 'train a smaller one (the default 784-128-10 fits)';

/**
 * decodes a model file and checks that it can be served. throws ModelFormatError when the file is
 * corrupt, UnservableModelError when it is well-formed but must not be served; both messages follow
 * the name of the file or key ("models/… does not fit a Worker's …").
 */
export async function decodeServable(file: Uint8Array): Promise<ServableModel> {
  // the size first: an oversized file is never expanded into float32
  const oversized = budgetProblems(file.length);
  if (oversized.length) throw new UnservableModelError(`${describeBudgetProblems(oversized)}; ${SMALLER}`);
  const model = await decodeModel(file);
  const { sizes, layers } = model.header.architecture;
  const problems = budgetProblems(file.length, sizes, layers);
  if (problems.length) throw new UnservableModelError(`(${sizes.join('-')}) ${describeBudgetProblems(problems)}; ${SMALLER}`);
  const overflow = overflowProblem(model.network, PIXEL_MAX * model.header.architecture.inputScale);
  if (overflow) throw new UnservableModelError(`cannot be served: ${overflow}; retrain it`);
  const predictor = predictorFor(model);
  const probe = probeProblem(predictor);
  if (probe) throw new UnservableModelError(`cannot be served: ${probe}; retrain it`);
  return { model, predictor };
}

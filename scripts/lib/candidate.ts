import { budgetProblems, describeBudgetProblems } from '../../shared/model/budget';
import { decodeModel, type DecodedModel } from '../../shared/model/format';
import { createPredictor } from '../../shared/model/predict';
import { probeProblem } from '../../shared/model/probe';
import { evaluate } from './evaluate';
import { loadMnist, type Split } from './mnist';

// what a model file must show before it may be published: the checks the Worker makes when it loads
// one (it decodes, fits the budget, answers finite probabilities on the probe images), and its accuracy
// on the MNIST test set measured here, not the figure the file claims about itself.

export class UnfitModelError extends Error {}

/** decodes and checks a model file as a Worker would load it; throws UnfitModelError naming `what` */
export async function decodeServable(bytes: Uint8Array, what: string): Promise<DecodedModel> {
  // the size first: an oversized file is never expanded into float32
  const oversized = budgetProblems(bytes.length);
  if (oversized.length) throw new UnfitModelError(`${what} ${describeBudgetProblems(oversized)}; train a smaller model (the default 784-128-10 fits)`);
  const model = await decodeModel(bytes);
  const { sizes, inputScale } = model.header.architecture;
  const problems = budgetProblems(bytes.length, sizes);
  if (problems.length) throw new UnfitModelError(`${what} (${sizes.join('-')}) ${describeBudgetProblems(problems)}; train a smaller model (the default 784-128-10 fits)`);
  const probe = probeProblem(createPredictor(model.network, inputScale));
  if (probe) throw new UnfitModelError(`${what} cannot be served: ${probe}; retrain it`);
  return model;
}

let testSet: Split | null = null;

/** accuracy on the 10,000 MNIST test images, with the same forward pass the Worker runs */
export function scoreOnMnist(model: DecodedModel): number {
  testSet ??= loadMnist().test;
  return evaluate(model.network, testSet, model.header.architecture.inputScale).accuracy;
}

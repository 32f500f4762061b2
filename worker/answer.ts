import { NonFiniteAnswerError, type Prediction } from '../shared/model/predict';
import { ApiError } from './errors';
import type { LoadedModel } from './model-loader';

// the last guard between a model and a 200: the loader refuses a model whose activations can overflow
// (shared/model/servable.ts), so a probability that is not a number means that guard missed a case.
// such an answer is never sent ("confidence": null); the client is told to come back instead.

const RETRY_AFTER_SECONDS = '60'; // a fixed model needs an upload and a refresh: about a minute

/** the loaded model's predictions for B packed images (B, D), or 503 model_unavailable when any is not finite */
export function predictWith(loaded: LoadedModel, pixels: Float32Array, B: number): Prediction[] {
  try {
    return loaded.predictor.predictPacked(pixels, B);
  } catch (e) {
    if (!(e instanceof NonFiniteAnswerError)) throw e;
    console.error(`model ${loaded.model.version} answered a non-finite probability: ${e.message}`);
    throw new ApiError(503, 'model_unavailable', `the model ${loaded.model.version} cannot answer this image (its activations overflowed); try again later`, {
      'Retry-After': RETRY_AFTER_SECONDS,
    });
  }
}

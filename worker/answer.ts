import { D } from '../shared/dims';
import { InkBudgetError, NonFiniteAnswerError, type Prediction } from '../shared/model/predict';
import { ApiError } from './errors';
import type { LoadedModel } from './model-loader';

// the last guard between a model and a 200: the loader refuses a model whose activations can overflow
// (shared/model/servable.ts), so a probability that is not a number means that guard missed a case.
// such an answer is never sent ("confidence": null); the client is told to come back instead.

const RETRY_AFTER_SECONDS = '60'; // a fixed model needs an upload and a refresh: about a minute

/**
 * the loaded model's predictions for B packed images (B, D), or 503 model_unavailable when any is not
 * finite. with maxInked (a batch), a batch whose network inputs hold more non-zero values is a 413
 * batch_too_dense before the forward pass: its first layer's work grows with them
 */
export function predictWith(loaded: LoadedModel, pixels: Float32Array, B: number, maxInked?: number): Prediction[] {
  try {
    return loaded.predictor.predictPacked(pixels, B, maxInked);
  } catch (e) {
    if (e instanceof InkBudgetError) {
      throw new ApiError(
        413,
        'batch_too_dense',
        `the batch holds ${e.inked} inked inputs once preprocessed (non-zero pixels of the 28×28 images the network reads), more than the ${e.max} one request may hold here ` +
          `(about ${Math.floor(e.max / D)} images inked edge to edge; digits drawn as in MNIST hold ~180 each): send it in ${Math.ceil(e.inked / e.max)} requests, or crop each digit with "preprocess": true`,
      );
    }
    if (!(e instanceof NonFiniteAnswerError)) throw e;
    console.error(`model ${loaded.model.version} answered a non-finite probability: ${e.message}`);
    throw new ApiError(503, 'model_unavailable', `the model ${loaded.model.version} cannot answer this image (its activations overflowed); try again later`, {
      'Retry-After': RETRY_AFTER_SECONDS,
    });
  }
}

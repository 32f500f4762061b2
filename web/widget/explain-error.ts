import { ApiCallError } from '../api';

/** a failed classify, model download or feedback call as a sentence for the person drawing */
export function explainError(e: unknown): string {
  if (e instanceof ApiCallError) {
    if (e.code === 'model_unavailable') return 'The Worker has no model to answer with yet. Try again in a minute.';
    if (e.code === 'rate_limited') return 'Too many requests from your address; wait a minute and try again.';
    if (e.code === 'network_error') return `The Worker could not be reached: ${e.message}.`;
    return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
  return e instanceof Error ? e.message : String(e);
}

// the worker's HTTP API as the browser code uses it, plus the same model run locally.

import { decodeModel } from '../shared/model/format';
import { createPredictor, type Prediction } from '../shared/model/predict';
import type { Pixels } from './pixels';

export interface Answer extends Prediction {
  model: { version: string };
}

export interface ModelInfo {
  version: string;
  testAccuracy: number;
  dtype: string;
  architecture: { sizes: number[] };
}

/** a failed call, with the API's error code and message when it sent one */
export class ApiCallError extends Error {
  constructor(
    public code: string,
    message: string,
    public status: number,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiCallError('network_error', `could not reach ${new URL(url).origin}`, 0);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = body?.error;
    throw new ApiCallError(err?.code ?? 'http_error', err?.message ?? `${url} answered HTTP ${res.status}`, res.status);
  }
  return body as T;
}

const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** the pixels are already preprocessed, so the worker uses them as they are (preprocess defaults to false) */
export const classifyRemote = (endpoint: string, pixels: Pixels) => call<Answer>(`${endpoint}/classify`, postJson({ pixels }));

export const modelInfo = (endpoint: string) => call<ModelInfo>(`${endpoint}/model`);

export interface Feedback {
  pixels: Pixels;
  label: number;
  predicted?: number;
  modelVersion?: string;
}

export const sendFeedback = (endpoint: string, feedback: Feedback) => call<{ id: string }>(`${endpoint}/feedback`, postJson(feedback));

export interface LocalModel {
  version: string;
  classify(pixels: Pixels): Answer;
}

/** fetches the served model file once and runs shared/predict on it, exactly as the worker does */
export async function loadLocalModel(endpoint: string): Promise<LocalModel> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}/model/weights`);
  } catch {
    throw new ApiCallError('network_error', `could not download the model from ${endpoint}`, 0);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw new ApiCallError(body?.error?.code ?? 'http_error', body?.error?.message ?? `the model download answered HTTP ${res.status}`, res.status);
  }
  const model = await decodeModel(new Uint8Array(await res.arrayBuffer()));
  const predictor = createPredictor(model.network, model.header.architecture.inputScale);
  return {
    version: model.version,
    classify: (pixels) => ({ ...predictor.predict([pixels])[0], model: { version: model.version } }),
  };
}

// the worker's HTTP API as the browser code uses it, plus the same model run locally. the bodies'
// types come from the worker's own schemas (worker/api-types.ts), as types only: no zod in here.

import { decodeModel } from '../shared/model/format';
import { predictorFor } from '../shared/model/predict';
import type { Answer, ApiErrorBody, FeedbackBody, ModelInfo, NumberAnswer } from '../worker/api-types';
import type { Pixels } from './pixels';

export type { Answer, FeedbackBody, ModelInfo, NumberAnswer };

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

/** a failed answer as an error: the API's code and message when its body has them */
const failure = (res: Response, body: Partial<ApiErrorBody> | null, otherwise: string) =>
  new ApiCallError(body?.error?.code ?? 'http_error', body?.error?.message ?? otherwise, res.status);

export async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiCallError('network_error', `could not reach ${new URL(url).origin}`, 0);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw failure(res, body, `${url} answered HTTP ${res.status}`);
  return body as T;
}

const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** the pixels are already preprocessed, so the worker uses them as they are (preprocess defaults to false) */
export const classifyRemote = (endpoint: string, pixels: Pixels) => call<Answer>(`${endpoint}/classify`, postJson({ pixels }));

/** a photo reduced in the browser (photo/), preprocessed by the worker, which also answers the 784 pixels it saw */
export const classifyPhoto = (endpoint: string, png: Uint8Array) =>
  call<Answer>(`${endpoint}/classify?return_input=true`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png as Uint8Array<ArrayBuffer> });

/** a number drawn on the number pad or photographed, as a gray png within the plan's limits: POST /read */
export const readNumber = (endpoint: string, png: Uint8Array) =>
  call<NumberAnswer>(`${endpoint}/read`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png as Uint8Array<ArrayBuffer> });

export const modelInfo = (endpoint: string) => call<ModelInfo>(`${endpoint}/model`);

/** stores a correction; the answer (its id) is of no use to the widget */
export const sendFeedback = (endpoint: string, feedback: FeedbackBody) => call<unknown>(`${endpoint}/feedback`, postJson(feedback));

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
  if (!res.ok) throw failure(res, await res.json().catch(() => null), `the model download answered HTTP ${res.status}`);
  const model = await decodeModel(new Uint8Array(await res.arrayBuffer()));
  const predictor = predictorFor(model);
  return {
    version: model.version,
    classify: (pixels) => ({ ...predictor.predict([pixels])[0], model: { version: model.version } }),
  };
}

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ImageError } from '../shared/image/decoded';

// one error shape for every failure: {"error": {"code", "message"}}. handlers and middleware throw
// ApiError (or let shared/ throw ImageError); onError below is the only place that writes the body.

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_input'
  | 'invalid_multipart'
  | 'not_found'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'batch_too_dense'
  | 'unsupported_media_type'
  | 'unusable_image'
  | 'rate_limited'
  | 'model_unavailable'
  | 'model_stale'
  | 'internal_error'
  | string; // ImageError codes from shared/ (bad_png, not_png, image_too_large, no_digit, ...)

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export class ApiError extends Error {
  constructor(
    public status: 400 | 404 | 405 | 413 | 415 | 422 | 429 | 500 | 503,
    public code: ErrorCode,
    message: string,
    public headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** hono's own HTTPExceptions (the media-type gate, the json/form validators) get codes by status */
function fromHttpException(e: HTTPException): ApiError {
  const message = e.message || 'the request could not be processed';
  if (e.status === 415) {
    return new ApiError(415, 'unsupported_media_type', 'unsupported Content-Type; send application/json, image/png, image/jpeg or multipart/form-data');
  }
  if (e.status === 400 && /json/i.test(message)) return new ApiError(400, 'invalid_json', 'the body is not valid JSON');
  if (e.status === 400 && /formdata/i.test(message)) return new ApiError(400, 'invalid_multipart', 'the multipart/form-data body is malformed');
  if (e.status >= 400 && e.status < 500) return new ApiError(e.status as ApiError['status'], 'invalid_input', message);
  return new ApiError(500, 'internal_error', 'internal error');
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ImageError) return new ApiError(err.status, err.code, err.message);
  if (err instanceof HTTPException) return fromHttpException(err);
  return new ApiError(500, 'internal_error', 'internal error; it has been logged');
}

export function errorResponse(c: Context, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  return c.json(body, err.status);
}

/** app.onError: never leaks a stack; logs what is ours to fix */
export function onError(err: unknown, c: Context): Response {
  const apiError = toApiError(err);
  if (apiError.status >= 500 && apiError.status !== 503) console.error('unhandled error', c.req.method, c.req.path, err);
  return errorResponse(c, apiError);
}

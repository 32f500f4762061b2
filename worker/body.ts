import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors';

// reads a request body under a byte cap before anything parses it. Content-Length over the cap
// is refused unread; a chunked body (no Content-Length) is counted as it streams and the stream
// is cancelled the moment it passes the cap, so a client can never make us buffer more than the cap.

export type BodyKind = 'json' | 'png' | 'jpeg' | 'multipart' | 'bytes';
export type BodyLimits = Partial<Record<BodyKind, number>>;

export { KiB, MiB } from '../shared/limits';

const MEDIA_TYPES: Record<BodyKind, string> = {
  json: 'application/json',
  png: 'image/png',
  jpeg: 'image/jpeg',
  multipart: 'multipart/form-data',
  bytes: 'application/octet-stream',
};
/** deeper JSON cannot be a valid request (the deepest is a batch of 28×28 images: 4 levels) */
export const MAX_JSON_DEPTH = 8;

export function bodyKind(contentType: string | undefined): BodyKind | 'none' | 'other' {
  if (contentType === undefined || contentType.trim() === '') return 'none';
  const essence = contentType.split(';')[0].trim().toLowerCase();
  if (essence === 'application/json' || /^application\/[\w.-]+\+json$/.test(essence)) return 'json';
  if (essence === 'image/png') return 'png';
  if (essence === 'image/jpeg' || essence === 'image/jpg' || essence === 'image/pjpeg') return 'jpeg';
  if (essence === 'multipart/form-data') return 'multipart';
  if (essence === 'application/octet-stream') return 'bytes';
  return 'other';
}

function tooLarge(limit: number, got?: number): ApiError {
  const size = got === undefined ? 'more than that' : `${got} bytes`;
  return new ApiError(413, 'body_too_large', `the body may be at most ${limit} bytes for this content type, got ${size}`);
}

export async function readCapped(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit, Number(declared));
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // stop the upload now; the cancel may settle after we answer, which is fine
      reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/** nesting depth of JSON text, counted on the raw bytes (brackets inside strings do not count) */
export function jsonDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max && (max = depth) > stopAbove) return max;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return max;
}

/**
 * a route's own reader of a JSON body in the one shape it expects, from the bytes, before any JSON
 * parse: it answers the request itself, or returns null to leave the body to the depth check and the
 * validators (worker/batch-json.ts: 64 images read without JSON.parse)
 */
export type JsonShortcut = (c: Context, bytes: Uint8Array) => Response | Promise<Response> | null;

/**
 * route middleware: refuses content types the route does not take (415), reads the body under the
 * cap for its type (413), lets the route's JSON shortcut answer, refuses JSON nested deeper than any
 * request can be (400), then hands the bytes on (bodyBytes, or as the request body) so what is parsed
 * downstream is exactly what was counted.
 */
export function readBody(limits: BodyLimits, jsonShortcut?: JsonShortcut): MiddlewareHandler {
  const accepted = Object.keys(limits) as BodyKind[];
  const acceptedTypes = accepted.map((k) => MEDIA_TYPES[k]).join(', ');
  return async (c, next) => {
    const kind = bodyKind(c.req.header('content-type'));
    if (kind === 'none') throw new ApiError(415, 'unsupported_media_type', `the request has no Content-Type; send ${acceptedTypes}`);
    const limit = kind === 'other' ? undefined : limits[kind];
    if (limit === undefined) {
      const type = c.req.header('content-type')!.split(';')[0].trim().slice(0, 100);
      throw new ApiError(415, 'unsupported_media_type', `Content-Type ${type} is not accepted here; send ${acceptedTypes}`);
    }
    const bytes = await readCapped(c.req.raw, limit);
    if (kind === 'json' && jsonShortcut) {
      const answer = jsonShortcut(c, bytes);
      if (answer !== null) return answer;
    }
    if (kind === 'json' && jsonDepth(bytes, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw new ApiError(400, 'invalid_json', `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels; no request needs that`);
    }
    // an image or pixel bytes go to the handler as they are; JSON and forms go back into the request
    // for the validators, which read it from there
    if (kind === 'png' || kind === 'jpeg' || kind === 'bytes') c.set(BODY, bytes);
    else c.req.raw = new Request(c.req.raw, { body: bytes });
    await next();
  };
}

const BODY = 'body' as never;

/** the body readBody read, for image and byte bodies: the bytes themselves, not a copy */
export const bodyBytes = (c: Context): Uint8Array => c.get(BODY) as Uint8Array;

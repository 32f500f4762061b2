import { createRoute, z } from '@hono/zod-openapi';
import { D } from '../shared/dims';
import { readBody, type JsonShortcut } from './body';
import { JPEG_LIMITS, KiB, MiB, type Limits } from '../shared/limits';
import { modelRateLimit, rateLimit } from './rate-limit';
import {
  BatchBytes, batchJson, BatchQuery, BatchResponse, ClassifyJson, ClassifyResponse, ErrorResponse, HealthResponse,
  ImageQuery, ImageUpload, JpegBody, ModelInfo, PngBody, ReadResponse, ReadyResponse, readJson,
} from './schemas';
import { MAX_DIGITS } from '../shared/image/segment';

// the route table: paths, bodies, limits and every documented answer. handlers live in index.ts.
// the classify routes are built per plan (worker/limits.ts): their limits are part of what they document.

const ERRORS = {
  400: 'invalid_json, invalid_input, invalid_multipart, bad_png or bad_jpeg: the message names the problem',
  404: 'not_found: no such route',
  405: 'method_not_allowed: the path exists for other methods (see the Allow header)',
  413: 'body_too_large, file_too_large, image_too_large (or for a batch: batch_too_dense, more inked pixels than one request may hold)',
  415: 'unsupported_media_type, not_png, not_jpeg or not_an_image',
  422: 'well-formed but unusable: no_digit, unsupported_png, unsupported_jpeg, unusable_image (and for /read: too_many_digits, several_lines)',
  429: 'rate_limited: see Retry-After',
  503: 'model_unavailable: no model could be loaded yet; see Retry-After',
} as const;

type ErrorStatus = keyof typeof ERRORS;

function errors<S extends ErrorStatus = never>(...statuses: S[]) {
  const out = {} as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorResponse } } }>;
  for (const s of [...statuses, 500 as S]) {
    out[s] = { description: s === (500 as S) ? 'internal_error: a bug on our side, logged' : ERRORS[s], content: { 'application/json': { schema: ErrorResponse } } };
  }
  return out;
}

/** a multipart form around the image: boundaries and part headers */
const MULTIPART_OVERHEAD = 4 * KiB;

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const size = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`);

/** the limits as /docs states them */
export const imageLimits = (l: Limits) =>
  `${size(l.imageBytes)}, ${l.imageSide}×${l.imageSide} px and ${size(l.imageDataBytes)} of pixel data once inflated ` +
  `(${Math.min(l.imageSide, Math.floor(Math.sqrt(l.imageDataBytes / 4)))}² RGBA, ${Math.min(l.imageSide, Math.floor(Math.sqrt(l.imageDataBytes)))}² 8-bit gray)`;

/** the JPEG limits as /docs states them */
export const jpegLimits = (l: Limits) => {
  const j = JPEG_LIMITS[l.plan];
  return `${size(j.jpegBytes)} and ${(j.jpegPixels / 1e6).toFixed(1)} megapixels (e.g. ${Math.floor(Math.sqrt((j.jpegPixels * 4) / 3))}×${Math.floor(Math.sqrt((j.jpegPixels * 3) / 4))})`;
};

/** the largest image body a plan takes: a multipart form must hold either format */
const largestImage = (l: Limits) => Math.max(l.imageBytes, JPEG_LIMITS[l.plan].jpegBytes);

export const classifyRoute = (l: Limits) =>
  createRoute({
    method: 'post',
    path: '/classify',
    summary: 'Classify one digit',
    description:
      'Send 28×28 pixels as JSON, a PNG or JPEG as the raw body, or a PNG or JPEG in a multipart/form-data field named `image`. ' +
      'JPEGs may be baseline or progressive, gray or colour, with any chroma subsampling; their EXIF orientation is applied. ' +
      'JSON is used as it is unless `"preprocess": true`; images are decoded and preprocessed unless `?preprocess=false` (28×28 images only). ' +
      'A blank image (every pixel 0, or a picture with no ink) is a 422 `no_digit`, not a guess. ' +
      `Limits on this deployment (${l.plan} plan): ${size(l.jsonBytes)} of JSON; PNGs up to ${imageLimits(l)}; JPEGs up to ${jpegLimits(l)}. ` +
      'Larger bodies and images get a 413 that names the limit.',
    middleware: [
      rateLimit,
      readBody({ json: l.jsonBytes, png: l.imageBytes, jpeg: JPEG_LIMITS[l.plan].jpegBytes, multipart: largestImage(l) + MULTIPART_OVERHEAD }),
    ] as const,
    request: {
      query: ImageQuery,
      body: {
        // not `required` in zod-openapi's sense: that would run the JSON validator on PNG bodies too
        required: false,
        content: {
          'application/json': { schema: ClassifyJson },
          'image/png': { schema: PngBody },
          'image/jpeg': { schema: JpegBody },
          'multipart/form-data': { schema: ImageUpload },
        },
      },
    },
    responses: { 200: json(ClassifyResponse, 'the digit, its probability, all ten probabilities and the model that answered'), ...errors(400, 413, 415, 422, 429, 503) },
  });

/** `packedJson` reads a batch's JSON in the shape clients write without JSON.parse (index.ts, batch-json.ts) */
export const classifyBatchRoute = (l: Limits, packedJson?: JsonShortcut) =>
  createRoute({
    method: 'post',
    path: '/classify/batch',
    summary: `Classify up to ${l.batchImages} digits at once`,
    description:
      'Results come back in the order of the images. Send JSON `{"images": [...]}`, or the pixels as bytes: ' +
      `\`application/octet-stream\`, N × ${D} bytes (one byte per pixel, images one after another), with \`?preprocess=true\` to preprocess them. ` +
      'A blank image fails the whole batch with 422 `no_digit` naming it (`images[i]: …`), as with preprocessing. ' +
      `Limits on this deployment (${l.plan} plan): ${l.batchImages} images, ${size(l.batchJsonBytes)} of JSON, ` +
      `and ${l.batchInkedInputs.toLocaleString('en-US')} inked pixels over the batch once preprocessed (the network's work grows with them: ` +
      `about ${Math.floor(l.batchInkedInputs / D)} images inked edge to edge, while a digit drawn as in MNIST holds ~180); a denser batch is a 413 \`batch_too_dense\` that says how to split it.`,
    middleware: [rateLimit, readBody({ json: l.batchJsonBytes, bytes: l.batchImages * D }, packedJson)] as const,
    request: {
      query: BatchQuery,
      // not `required` in zod-openapi's sense, as for /classify: the JSON validator must not see byte bodies
      body: {
        required: false,
        content: { 'application/json': { schema: batchJson(l.batchImages) }, 'application/octet-stream': { schema: BatchBytes } },
      },
    },
    responses: { 200: json(BatchResponse, 'one prediction per image, in order'), ...errors(400, 413, 415, 422, 429, 503) },
  });

export const readRoute = (l: Limits) =>
  createRoute({
    method: 'post',
    path: '/read',
    summary: `Read a number: one line of up to ${MAX_DIGITS} digits`,
    description:
      'Send a PNG or JPEG as the raw body or in a multipart/form-data field named `image`, or JSON `{"pixels": [[...], ...]}`: rows of any width, ' +
      'ink bright on dark as for /classify. The digits come back left to right with their boxes in the picture\'s pixels; each is read ' +
      'with the same preprocessing as /classify. 422 no_digit when there is no ink, too_many_digits beyond ' +
      `${MAX_DIGITS}, several_lines for writing on more than one line. Limits on this deployment (${l.plan} plan): ${size(l.jsonBytes)} of JSON; ` +
      `PNGs up to ${imageLimits(l)}; JPEGs up to ${jpegLimits(l)}.`,
    middleware: [
      rateLimit,
      readBody({ json: l.jsonBytes, png: l.imageBytes, jpeg: JPEG_LIMITS[l.plan].jpegBytes, multipart: largestImage(l) + MULTIPART_OVERHEAD }),
    ] as const,
    request: {
      body: {
        required: false, // as for /classify: the Content-Type picks the validator
        content: {
          'application/json': { schema: readJson(l.imageSide) },
          'image/png': { schema: PngBody },
          'image/jpeg': { schema: JpegBody },
          'multipart/form-data': { schema: ImageUpload },
        },
      },
    },
    responses: { 200: json(ReadResponse, 'the number, each digit with its box, and whether to trust it'), ...errors(400, 413, 415, 422, 429, 503) },
  });

export const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  middleware: [modelRateLimit] as const,
  summary: 'Liveness: can this worker answer?',
  description:
    '200 with the model version while a good model is loaded (loading one if needed, and possibly an older one kept because a newer upload is bad); ' +
    '503 model_unavailable with Retry-After when none can be loaded.',
  responses: { 200: json(HealthResponse, 'serving'), ...errors(429, 503) },
});

export const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  middleware: [modelRateLimit] as const,
  summary: 'Readiness: is the current model the one being served?',
  description:
    'Stricter than /healthz: 200 only when the loaded, checked model is the one pointer/current named at the last check. ' +
    '503 model_stale while an older model is kept because the current one is missing or corrupt, 503 model_unavailable when nothing is loaded.',
  responses: { 200: json(ReadyResponse, 'serving the current model'), ...errors(429), 503: json(ErrorResponse, 'model_unavailable or model_stale') },
});

export const modelInfo = createRoute({
  method: 'get',
  path: '/model',
  middleware: [modelRateLimit] as const,
  summary: 'The model being served',
  responses: { 200: json(ModelInfo, 'version, checksum, architecture, size, accuracy and training settings'), ...errors(429, 503) },
});

export const modelWeights = createRoute({
  method: 'get',
  path: '/model/weights',
  middleware: [modelRateLimit] as const,
  summary: 'The model file, to run the same forward pass in a browser',
  description: 'The raw model file (shared/model-format.ts) of the version being served. ETag is the version; cacheable for 60 s.',
  responses: {
    200: { description: 'the model file', content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } },
    304: { description: 'If-None-Match matched the version being served' },
    ...errors(429, 503),
  },
});

export const openapi = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document (OpenAPI 3.1)',
  responses: { 200: { description: 'the OpenAPI document', content: { 'application/json': { schema: z.object({}).passthrough() } } }, ...errors(429) },
});

export const docs = createRoute({
  method: 'get',
  path: '/docs',
  summary: 'This API as a readable page',
  responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, ...errors(429) },
});

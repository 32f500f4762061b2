import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { D, K, PIXEL_MAX } from '../shared/dims';
import { FEEDBACK_FORMAT, feedbackKey, type FeedbackKeyMetadata, type FeedbackRecord } from '../shared/feedback';
import { KiB, readBody } from './body';
import type { Bindings } from './env';
import { ApiError } from './errors';
import { flat } from './pixels';
import { rateLimitWith } from './rate-limit';
import { ErrorResponse, Pixels } from './schemas';

// POST /feedback: a person says what digit the drawing really was. the body is the 784 pixels the
// model saw (the widget sends them already preprocessed), the right label, and optionally what
// the model said and which model said it.

/** 784 values of up to "255.5," plus the other fields fit in 8 KiB; 16 leaves room for whitespace */
export const FEEDBACK_LIMIT = 16 * KiB;

const describe = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 20))}` : String(v));

const digit = (what: string) =>
  z
    .number({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a digit 0..${K - 1} (got ${describe(iss.input)})`) })
    .int({ error: (iss) => `must be a digit 0..${K - 1} (got ${describe(iss.input)})` })
    .min(0, { error: (iss) => `must be a digit 0..${K - 1} (got ${describe(iss.input)})` })
    .max(K - 1, { error: (iss) => `must be a digit 0..${K - 1} (got ${describe(iss.input)})` })
    .openapi({ description: what });

export const FeedbackJson = z
  .strictObject(
    {
      pixels: Pixels,
      label: digit('the digit the drawing really is'),
      predicted: digit('what the model answered').optional(),
      modelVersion: z
        .string({ error: (iss) => `must be a model version string (got ${describe(iss.input)})` })
        .regex(/^[0-9a-f]{16}$/, { error: (iss) => `must be 16 hex digits like "3f2a9c0d1e4b5a67" (got ${describe(iss.input)})` })
        .optional()
        .openapi({ description: 'the model version that answered (the "model.version" of /classify)' }),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `has unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`
          : `must be a JSON object like {"pixels": [784 numbers], "label": 4} (got ${describe(iss.input)})`,
    },
  )
  .openapi('Feedback');

export const FeedbackStored = z
  .object({ id: z.string().openapi({ example: 'feedback/2026-11-29/9c1f0e6a2b7d4e3f5a6b7c8d' }), label: z.number().int() })
  .openapi('FeedbackStored');

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponse } } });

export const feedbackRoute = createRoute({
  method: 'post',
  path: '/feedback',
  summary: 'Report the right digit for a drawing the model got wrong',
  description:
    `Stores the ${D} pixels (0..${PIXEL_MAX}, 28×28, ink bright on black: the image the model saw) with the right label for the next training run ` +
    '(npm run feedback:export, then npm run train -- --extra data/feedback). Nothing about the sender is stored. ' +
    `Limit ${FEEDBACK_LIMIT / KiB} KiB of JSON; rate-limited with the classify routes.`,
  middleware: [rateLimitWith('FEEDBACK_LIMITER'), readBody({ json: FEEDBACK_LIMIT })] as const,
  request: { body: { required: true, content: { 'application/json': { schema: FeedbackJson } } } },
  responses: {
    201: { description: 'stored; id is its KV key', content: { 'application/json': { schema: FeedbackStored } } },
    400: error('invalid_json or invalid_input: the message names the problem'),
    413: error('body_too_large'),
    415: error('unsupported_media_type: send application/json'),
    422: error('no_digit: the image is blank'),
    429: error('rate_limited: see Retry-After'),
    500: error('internal_error: a bug on our side, logged'),
    503: error('feedback_unavailable: this deployment has no FEEDBACK namespace, or writing to it failed'),
  },
});

/** POST /feedback on the API app: validated like /classify, stored in the FEEDBACK KV namespace */
export function registerFeedback(app: OpenAPIHono<{ Bindings: Bindings }>): void {
  app.openapi(feedbackRoute, async (c) => {
    const body = c.req.valid('json');
    const kv = c.env.FEEDBACK;
    if (!kv) throw new ApiError(503, 'feedback_unavailable', 'this deployment keeps no feedback: no FEEDBACK KV namespace is bound (see wrangler.toml)');
    // stored as whole numbers: what the trainer reads (u8), and a third of the JSON
    const pixels = flat(body.pixels).map((v) => Math.round(v));
    if (!pixels.some((v) => v > 0)) throw new ApiError(422, 'no_digit', 'every pixel is 0: there is no drawing to learn from');
    const now = new Date();
    const record: FeedbackRecord = {
      format: FEEDBACK_FORMAT,
      pixels,
      label: body.label,
      predicted: body.predicted ?? null,
      modelVersion: body.modelVersion ?? null,
      createdAt: now.toISOString(),
    };
    const key = feedbackKey(now);
    const metadata: FeedbackKeyMetadata = { label: record.label, predicted: record.predicted };
    try {
      await kv.put(key, JSON.stringify(record), { metadata });
    } catch (e) {
      console.error('feedback: KV put failed', e);
      throw new ApiError(503, 'feedback_unavailable', 'the feedback could not be stored just now; try again in a minute', { 'Retry-After': '60' });
    }
    return c.json({ id: key, label: record.label }, 201);
  });
}

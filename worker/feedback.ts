import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { D, PIXEL_MAX } from '../shared/dims';
import { feedbackId } from '../shared/feedback';
import { KiB, readBody } from './body';
import type { Bindings } from './env';
import { ApiError } from './errors';
import { DEFAULT_FEEDBACK_SETTINGS, feedbackSettings, storeFeedback, type FeedbackSettings, type Quota, type StoreResult } from './feedback-store';
import { senderOf } from './feedback-source';
import { signature } from './near-duplicate';
import { flat } from './pixels';
import { rateLimitWith } from './rate-limit';
import { ErrorResponse, FeedbackJson, FeedbackStored } from './schemas';

// POST /feedback: a person says what digit the drawing really was. the body is the 784 pixels the
// model saw (the widget sends them already preprocessed), the right label, and optionally what
// the model said and which model said it.

/** 784 values of up to "255.5," plus the other fields fit in 8 KiB; 16 leaves room for whitespace */
export const FEEDBACK_LIMIT = 16 * KiB;

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponse } } });
const stored = (description: string) => ({ description, content: { 'application/json': { schema: FeedbackStored } } });

export const feedbackRoute = createRoute({
  method: 'post',
  path: '/feedback',
  summary: 'Report the right digit for a drawing the model got wrong',
  description:
    `Stores the ${D} pixels (0..${PIXEL_MAX}, 28×28, ink bright on black: the image the model saw) with the right label for the next training run ` +
    '(npm run feedback:export, then npm run train -- --extra data/feedback). Of the sender only a pseudonym of its network for the day is stored (for its quota; no address, no user agent). ' +
    'The same drawing is stored once (200 with its id the second time), and so is a drawing within a few pixels of one stored the same UTC day. ' +
    `Daily quotas, each answered past it with 429 until 00:00 UTC: all senders together (FEEDBACK_DAILY_CAP, default ${DEFAULT_FEEDBACK_SETTINGS.dailyCap}), ` +
    `one sender, an IPv4 address or IPv6 /48 (FEEDBACK_SOURCE_DAILY_CAP, default ${DEFAULT_FEEDBACK_SETTINGS.sourceDailyCap}, near-duplicates included), ` +
    `one label (FEEDBACK_LABEL_DAILY_CAP, default ${DEFAULT_FEEDBACK_SETTINGS.labelDailyCap}). Corrections are deleted after FEEDBACK_RETENTION_DAYS ` +
    `(default ${DEFAULT_FEEDBACK_SETTINGS.retentionDays}). Limit ${FEEDBACK_LIMIT / KiB} KiB of JSON; rate-limited per address (an IPv6 /48).`,
  middleware: [rateLimitWith('FEEDBACK_LIMITER'), readBody({ json: FEEDBACK_LIMIT })] as const,
  request: { body: { required: true, content: { 'application/json': { schema: FeedbackJson } } } },
  responses: {
    201: stored('stored; id names the drawing'),
    200: stored('this drawing was stored before: nothing written, its id and first label returned'),
    400: error('invalid_json or invalid_input: the message names the problem'),
    413: error('body_too_large'),
    415: error('unsupported_media_type: send application/json'),
    422: error('no_digit: the image is blank'),
    429: error(
      'rate_limited (this address, see Retry-After); daily_cap_reached (all senders today), source_quota_reached (this address or /48 today) ' +
        'or label_quota_reached (this label today), each with Retry-After to 00:00 UTC',
    ),
    500: error('internal_error: a bug on our side, logged'),
    503: error('feedback_unavailable: this deployment has no FEEDBACK_DB database or its table, or writing to it failed'),
  },
});

/** the error for a D1 failure: a missing table says how to make it; anything else is worth a retry */
function unavailable(e: unknown): ApiError {
  if (/no such table/i.test(String((e as Error)?.message ?? e))) {
    return new ApiError(503, 'feedback_unavailable', 'the feedback table does not exist yet: run `npx wrangler d1 migrations apply mnist-feedback` (--local for wrangler dev, --remote for the deployment)');
  }
  console.error('feedback: D1 write failed', e);
  return new ApiError(503, 'feedback_unavailable', 'the feedback could not be stored just now; try again in a minute', { 'Retry-After': '60' });
}

/** the 429 for a full quota: which one, how large, and when it opens again */
function quotaReached(quota: Quota, label: number, s: FeedbackSettings, retryAfterSeconds: number): ApiError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const retry = `try again after 00:00 UTC (in ${Math.floor(minutes / 60)} h ${minutes % 60} min)`;
  const headers = { 'Retry-After': String(retryAfterSeconds) };
  if (quota === 'source') {
    return new ApiError(
      429,
      'source_quota_reached',
      `this address has sent its corrections for today: this deployment takes at most ${s.sourceDailyCap} a UTC day from one IPv4 address or IPv6 /48 ` +
        `(near-duplicates count too); ${retry}`,
      headers,
    );
  }
  if (quota === 'label') {
    return new ApiError(429, 'label_quota_reached', `today's corrections labelled ${label} are full: this deployment stores at most ${s.labelDailyCap} a UTC day for each digit; ${retry}`, headers);
  }
  return new ApiError(429, 'daily_cap_reached', `today's feedback is full: this deployment stores at most ${s.dailyCap} corrections a UTC day from everyone together; ${retry}`, headers);
}

/** POST /feedback on the API app: validated like /classify, stored once in the FEEDBACK_DB database */
export function registerFeedback(app: OpenAPIHono<{ Bindings: Bindings }>): void {
  app.openapi(feedbackRoute, async (c) => {
    const body = c.req.valid('json');
    const db = c.env.FEEDBACK_DB;
    if (!db) throw new ApiError(503, 'feedback_unavailable', 'this deployment keeps no feedback: no FEEDBACK_DB database is bound (see wrangler.toml)');
    const settings = feedbackSettings(c.env);
    if ('problem' in settings) throw new ApiError(503, 'feedback_unavailable', `this deployment's feedback settings are wrong: ${settings.problem}`);
    // stored as whole numbers: what the trainer reads (u8)
    const pixels = Uint8Array.from(flat(body.pixels), (v) => Math.round(v));
    if (!pixels.some((v) => v > 0)) throw new ApiError(422, 'no_digit', 'every pixel is 0: there is no drawing to learn from');
    const createdAt = new Date();
    const source = await senderOf((h) => c.req.header(h), createdAt.toISOString().slice(0, 10), c.env.FEEDBACK_SOURCE_SECRET);
    const feedback = {
      id: await feedbackId(pixels),
      pixels,
      label: body.label,
      predicted: body.predicted ?? null,
      modelVersion: body.modelVersion ?? null,
      createdAt,
      source,
      signature: signature(pixels),
    };
    let result: StoreResult;
    try {
      result = await storeFeedback(db, feedback, settings);
    } catch (e) {
      throw unavailable(e);
    }
    if (result.kind === 'full') throw quotaReached(result.quota, feedback.label, settings, result.retryAfterSeconds);
    if (result.kind === 'duplicate') return c.json({ id: result.id, label: result.label, duplicate: true }, 200);
    return c.json({ id: result.id, label: feedback.label, duplicate: false }, 201);
  });
}

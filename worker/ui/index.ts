import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Bindings } from '../env';
import { ApiError } from '../errors';
import { validationHook } from '../validation';
import { feedbackRoute } from './feedback';
import { FEEDBACK_FORMAT, feedbackKey, type FeedbackKeyMetadata, type FeedbackRecord } from './feedback-format';
import * as bundles from './generated/assets';
import { PAGE_CSP, renderPage, renderWidget } from './pages';

// the pages and the things other sites embed, mounted on the API app by worker/index.ts:
//   GET /            draw a digit, see it recognized
//   GET /widget      the same as a compact widget, for an <iframe>
//   GET /embed.js    a <script> that renders the widget into a shadow root on any page
//   GET /client.js   an ES module: classify(pixels | canvas | image | blob)
//   GET /ui/app.js   the pages' own script
//   POST /feedback   "that was a 4": stored in the FEEDBACK KV namespace for the next training run
// the scripts are bundled from ./browser (and shared/) by scripts/build-browser.ts.

export type UiEnv = { Bindings: Bindings & { FEEDBACK?: KVNamespace } };

type Asset = bundles.Asset;

/** the pages load their script by content hash, so a deploy can never mix an old page with a new script */
const appUrl = `/ui/app.js?v=${bundles.app.hash}`;

/**
 * a bundle with an ETag. `?v=<its hash>` (how the pages link it) is cached for good; the plain
 * URLs other sites paste (/embed.js, /client.js) are revalidated every 5 minutes so a deploy
 * reaches them quickly.
 */
function script(c: Context<UiEnv>, asset: Asset): Response {
  const etag = `"${asset.hash}"`;
  const headers: Record<string, string> = {
    'Content-Type': 'text/javascript; charset=utf-8',
    ETag: etag,
    'Cache-Control': c.req.query('v') === asset.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=300, stale-while-revalidate=86400',
  };
  const match = c.req.header('if-none-match');
  if (match?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return c.body(null, 304, headers);
  return c.body(asset.body, 200, headers);
}

function html(c: Context<UiEnv>, body: string): Response {
  return c.html(body, 200, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' });
}

const flat = (pixels: number[] | number[][]): number[] => (Array.isArray(pixels[0]) ? (pixels as number[][]).flat() : (pixels as number[]));

export function createUi() {
  const ui = new OpenAPIHono<UiEnv>({ defaultHook: validationHook });

  ui.get('/', (c) => html(c, renderPage(appUrl)));
  ui.get('/widget', (c) => html(c, renderWidget(appUrl, { theme: c.req.query('theme'), size: c.req.query('size') })));
  ui.get('/ui/app.js', (c) => script(c, bundles.app));
  ui.get('/embed.js', (c) => script(c, bundles.embed));
  ui.get('/client.js', (c) => script(c, bundles.client));

  ui.openapi(feedbackRoute, async (c) => {
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

  return ui;
}

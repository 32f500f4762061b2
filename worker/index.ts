import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { preprocessPixels } from '../shared/image/preprocess';
import { ImageError } from '../shared/image/decoded';
import { bodyKind } from './body';
import { renderDocsPage } from './docs-page';
import type { Bindings } from './env';
import { ApiError, onError } from './errors';
import { crossOrigin, DOCS_CSP, securityHeaders } from './http-headers';
import { pixelsFromPng } from './images';
import { createModelLoader, refreshMsFrom, type ModelLoader } from './model-loader';
import { notFound } from './not-found';
import { buildOpenApiDocument } from './openapi';
import * as routes from './routes';
import type { ClassifyJson, ImageUpload } from './schemas';
import { validationHook } from './validation';
import { registerFeedback } from './feedback';
import { scheduled } from './scheduled';
import { flat } from './pixels';

// the worker: the JSON API (classify, batch, feedback, health, model, docs). the pages and the
// scripts other sites embed (/, /widget, /embed.js, /client.js) are static files built from web/
// and served by Workers Static Assets in front of this app ([assets] in wrangler.toml).

export type AppEnv = { Bindings: Bindings };

/** 784 values from either accepted JSON shape */
/** the same image rules for every input: preprocess on request, errors named by image index in batches */
function toInput(pixels: number[] | number[][], preprocess: boolean, label?: string): ArrayLike<number> {
  if (!preprocess) return flat(pixels);
  try {
    return preprocessPixels(flat(pixels));
  } catch (e) {
    if (e instanceof ImageError && label) throw new ApiError(e.status, e.code, `${label}: ${e.message}`);
    throw e;
  }
}

export function createApp(loader: ModelLoader) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', crossOrigin, securityHeaders);

  const model = (c: Context<AppEnv>) =>
    loader.get(c.env.MODELS, refreshMsFrom(c.env.MODEL_REFRESH_SECONDS), (p) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        // called without an ExecutionContext (app.request in tests): the refresh still runs
      }
    });

  app.openapi(routes.classify, async (c) => {
    let input: ArrayLike<number>;
    let returnInput: boolean;
    if (bodyKind(c.req.header('content-type')) === 'json') {
      // zod-openapi types valid('json') as any of the three bodies; the Content-Type says which one ran
      const body = c.req.valid('json') as z.infer<typeof ClassifyJson>;
      input = toInput(body.pixels, body.preprocess ?? false);
      returnInput = body.return_input ?? false;
    } else {
      const query = c.req.valid('query');
      const bytes = bodyKind(c.req.header('content-type')) === 'png' ? await c.req.arrayBuffer() : await ((c.req.valid('form') as z.infer<typeof ImageUpload>).image as Blob).arrayBuffer();
      input = await pixelsFromPng(new Uint8Array(bytes), query.preprocess !== 'false');
      returnInput = query.return_input === 'true';
    }
    const loaded = await model(c);
    const [prediction] = loaded.predictor.predict([input]);
    return c.json({ ...prediction, model: { version: loaded.model.version }, ...(returnInput ? { preprocessed: Array.from(input) } : {}) }, 200);
  });

  app.openapi(routes.classifyBatch, async (c) => {
    const { images, preprocess = false } = c.req.valid('json');
    const inputs = images.map((pixels, i) => toInput(pixels, preprocess, `images[${i}]`));
    const loaded = await model(c);
    return c.json({ results: loaded.predictor.predict(inputs), model: { version: loaded.model.version } }, 200);
  });

  app.openapi(routes.healthz, async (c) => {
    const { model: m, loadedAt } = await model(c);
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const, model: { version: m.version, loadedAt } }, 200);
  });

  app.openapi(routes.readyz, async (c) => {
    const { model: m, loadedAt } = await model(c);
    const status = loader.status();
    c.header('Cache-Control', 'no-store');
    if (status.pointerVersion !== m.version) {
      throw new ApiError(503, 'model_stale', `serving ${m.version}, not the current model ${status.pointerVersion}: ${status.lastError ?? 'not loaded yet'}`, {
        'Retry-After': '60',
      });
    }
    return c.json({ status: 'ready' as const, model: { version: m.version, loadedAt }, checkedAt: new Date(status.checkedAt ?? 0).toISOString() }, 200);
  });

  app.openapi(routes.modelInfo, async (c) => {
    const { model: m, loadedAt } = await model(c);
    const { architecture, dtype, paramCount, metadata } = m.header;
    return c.json(
      {
        version: m.version,
        checksum: m.checksum,
        architecture: { sizes: architecture.sizes, inputScale: architecture.inputScale },
        dtype,
        paramCount,
        bytes: m.bytes,
        testAccuracy: metadata.testAccuracy,
        training: metadata.training,
        dataset: metadata.dataset,
        createdAt: metadata.createdAt,
        loadedAt,
      },
      200,
    );
  });

  app.openapi(routes.modelWeights, async (c) => {
    const { model: m, file } = await model(c);
    const etag = `"${m.version}"`;
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=60' };
    if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return c.body(null, 304, headers);
    return c.body(file as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': 'application/octet-stream' });
  });

  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const openApiDocument = () => (document ??= buildOpenApiDocument(app));

  app.openapi(routes.openapi, (c) => c.json(openApiDocument() as unknown as Record<string, unknown>, 200));
  app.openapi(routes.docs, (c) => c.html(renderDocsPage(openApiDocument()), 200, { 'Content-Security-Policy': DOCS_CSP }));

  registerFeedback(app);

  app.onError(onError);
  app.notFound(notFound(() => app.routes));
  return app;
}

const app = createApp(createModelLoader());
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Bindings>;

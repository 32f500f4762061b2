import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { D } from '../shared/dims';
import { ImageError } from '../shared/image/decoded';
import { preprocessPixels } from '../shared/image/preprocess';
import { predictWith } from './answer';
import { packBatchJson } from './batch-json';
import { bodyBytes, bodyKind } from './body';
import type { ImageFormat } from '../shared/image/decode';
import { renderDocsPage } from './docs-page';
import type { Bindings } from './env';
import { ApiError, onError } from './errors';
import { crossOrigin, DOCS_CSP, securityHeaders } from './http-headers';
import { pixelsFromImage } from './images';
import { LIMITS, limitsFor, type Limits, type Plan } from '../shared/limits';
import { createModelLoader, refreshMsFrom, type ModelLoader } from './model-loader';
import { notFound } from './not-found';
import { buildOpenApiDocument, withServer } from './openapi';
import { BLANK_PIXELS, firstBlank, packPixels, type JsonPixels } from './pixels';
import * as routes from './routes';
import type { batchJson, ClassifyJson, ImageUpload, readJson } from './schemas';
import { inkFromImage, inkFromRows, lineReaderOrNone } from './read';
import { readInk } from '../shared/model/read';
import { validationHook } from './validation';
import { registerFeedback } from './feedback';
import { limitEveryRoute } from './rate-limit';
import { scheduled } from './scheduled';

// the worker: the JSON API (classify, batch, feedback, health, model, docs). the pages and the
// scripts other sites embed (/, /widget, /embed.js, /client.js) are static files built from web/
// and served by Workers Static Assets in front of this app ([assets] in wrangler.toml).

export type AppEnv = { Bindings: Bindings };

/** the MNIST preprocessing on each of B packed images (B, D), in place; a blank one is named by its index */
function preprocessEach(pixels: Float32Array, B: number, label: (i: number) => string | null): void {
  for (let i = 0; i < B; i++) {
    const image = pixels.subarray(i * D, (i + 1) * D);
    try {
      image.set(preprocessPixels(image));
    } catch (e) {
      const name = label(i);
      if (e instanceof ImageError && name) throw new ApiError(e.status, e.code, `${name}: ${e.message}`);
      throw e;
    }
  }
}

/** a byte body: B images of D bytes each, one after another */
function imagesFromBytes(bytes: Uint8Array, max: number): Float32Array {
  const B = Math.floor(bytes.length / D);
  if (bytes.length === 0 || bytes.length % D !== 0) {
    const got = bytes.length === 0 ? 'the body is empty' : `got ${bytes.length} bytes, ${B > 0 ? `${B} image${B > 1 ? 's' : ''} and ` : ''}${bytes.length % D} bytes more`;
    throw new ApiError(400, 'invalid_input', `an application/octet-stream body must be 1..${max} images of ${D} bytes each (N × ${D} bytes); ${got}`);
  }
  return new Float32Array(bytes); // a typed-array copy: Float32Array.from would walk an iterator
}

/**
 * an image upload's bytes (the raw PNG or JPEG body, or the multipart form's `image` file) and the format
 * it claims (its Content-Type): the bytes decide what is decoded, the claim is named when they are neither
 */
async function uploadedImage(c: Context<AppEnv>, kind: ReturnType<typeof bodyKind>): Promise<{ bytes: Uint8Array; claimed: ImageFormat | undefined }> {
  // 'form' as never: this Context is not the route's, whose input types say the form was validated
  const file = kind === 'png' || kind === 'jpeg' ? null : ((c.req.valid('form' as never) as z.infer<typeof ImageUpload>).image as Blob);
  const bytes = file ? new Uint8Array(await file.arrayBuffer()) : bodyBytes(c);
  const claimed = bodyKind(file ? file.type : c.req.header('content-type'));
  return { bytes, claimed: claimed === 'png' || claimed === 'jpeg' ? claimed : undefined };
}

export function createApp(loader: ModelLoader, limits: Limits = LIMITS.free) {
  // TrieRouter: routes go into the trie as they are registered, nothing is built on the first request (the
  // default SmartRouter compiles its RegExp router then: ~4 ms of a cold start); a dozen routes match as fast
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, router: new TrieRouter() });
  app.use('*', securityHeaders, limitEveryRoute, crossOrigin);

  const model = (c: Context<AppEnv>) =>
    loader.get(c.env.MODELS, refreshMsFrom(c.env.MODEL_REFRESH_SECONDS), (p) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        // called without an ExecutionContext (app.request in tests): the refresh still runs
      }
    });

  app.openapi(routes.classifyRoute(limits), async (c) => {
    const kind = bodyKind(c.req.header('content-type'));
    let pixels: Float32Array; // (D) 0..255, what the model reads
    let returnInput: boolean;
    if (kind === 'json') {
      // zod-openapi types valid('json') as any of the three bodies; the Content-Type says which one ran
      const body = c.req.valid('json') as z.infer<typeof ClassifyJson>;
      pixels = new Float32Array(D);
      packPixels(body.pixels, pixels, 0);
      if (body.preprocess) preprocessEach(pixels, 1, () => null);
      else if (firstBlank(pixels, 1) === 0) throw new ApiError(422, 'no_digit', BLANK_PIXELS);
      returnInput = body.return_input ?? false;
    } else {
      const query = c.req.valid('query');
      const { bytes, claimed } = await uploadedImage(c, kind);
      pixels = await pixelsFromImage(bytes, query.preprocess !== 'false', limits, claimed);
      returnInput = query.return_input === 'true';
    }
    const loaded = await model(c);
    const [prediction] = predictWith(loaded, pixels, 1);
    return c.json({ ...prediction, model: { version: loaded.model.version }, ...(returnInput ? { preprocessed: Array.from(pixels) } : {}) }, 200);
  });

  /** a batch's packed pixels (B, D) 0..255: preprocessed, or refused when one is blank, then classified */
  async function answerBatch(c: Context<AppEnv>, pixels: Float32Array, B: number, preprocess: boolean) {
    if (preprocess) preprocessEach(pixels, B, (i) => `images[${i}]`);
    else {
      // as with preprocessing: one blank image fails the batch, named, rather than get a guess
      const blank = firstBlank(pixels, B);
      if (blank >= 0) throw new ApiError(422, 'no_digit', `images[${blank}]: ${BLANK_PIXELS}`);
    }
    const loaded = await model(c);
    return c.json({ results: predictWith(loaded, pixels, B, limits.batchInkedInputs), model: { version: loaded.model.version } }, 200);
  }

  // a JSON batch in the shape clients write is read from its bytes straight into packed pixels and
  // answered before the route's validator would JSON.parse it (batch-json.ts); any other JSON goes on
  // to that validator and the handler, which word every error as they always have
  const packedJson = (c: Context<AppEnv>, bytes: Uint8Array) => {
    const packed = packBatchJson(bytes, limits.batchImages);
    return packed && answerBatch(c, packed.pixels, packed.B, packed.preprocess);
  };

  app.openapi(routes.classifyBatchRoute(limits, packedJson), async (c) => {
    if (bodyKind(c.req.header('content-type')) === 'bytes') {
      const pixels = imagesFromBytes(bodyBytes(c), limits.batchImages);
      return answerBatch(c, pixels, pixels.length / D, c.req.valid('query').preprocess === 'true');
    }
    // typed as either body, as for /classify; the Content-Type says JSON
    const body = c.req.valid('json') as z.infer<ReturnType<typeof batchJson>>;
    const images: JsonPixels[] = body.images;
    if (images.length > limits.batchParsedImages) {
      // JSON.parse and the checks cost what a plan's largest batch cannot also spend (shared/limits.ts)
      throw new ApiError(400, 'invalid_input', `images: ${images.length} images need the JSON written plainly, each key once and unescaped (as JSON.stringify and json.dumps write it); written otherwise, a batch may have at most ${limits.batchParsedImages}`);
    }
    const pixels = new Float32Array(images.length * D); // (B, D) 0..255
    for (let i = 0; i < images.length; i++) packPixels(images[i], pixels, i * D);
    return answerBatch(c, pixels, images.length, body.preprocess ?? false);
  });

  app.openapi(routes.readRoute(limits), async (c) => {
    const kind = bodyKind(c.req.header('content-type'));
    let input;
    if (kind === 'json') input = inkFromRows((c.req.valid('json') as z.infer<ReturnType<typeof readJson>>).pixels);
    else {
      const { bytes, claimed } = await uploadedImage(c, kind);
      input = await inkFromImage(bytes, limits, claimed);
    }
    const loaded = await model(c);
    const lineReader = await lineReaderOrNone();
    // through predictWith: a non-finite answer is a 503, never a 200, as for /classify
    const reading = readInk(input.picture, { predictPacked: (pixels, B) => predictWith(loaded, pixels, B), lineReader, lineColumns: limits.readLineColumns, decodeColumns: input.decodeColumns, linePhases: limits.readLinePhases });
    return c.json({ ...reading, model: { version: loaded.model.version, lineReader: lineReader?.version ?? null } }, 200);
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
    const { model: m, loadedAt, measured } = await model(c);
    const { architecture, dtype, paramCount, metadata } = m.header;
    return c.json(
      {
        version: m.version,
        checksum: m.checksum,
        architecture: { sizes: architecture.sizes, inputScale: architecture.inputScale, deskew: architecture.deskew ?? false },
        dtype,
        paramCount,
        bytes: m.bytes,
        testAccuracy: measured?.testAccuracy ?? null, // measured by the uploader, never the file's own claim
        training: metadata.training ?? {},
        dataset: metadata.dataset ?? null,
        createdAt: metadata.createdAt ?? null,
        uploadedAt: measured?.uploadedAt ?? null,
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

  app.openapi(routes.openapi, (c) => c.json(withServer(openApiDocument(), c.req.url) as unknown as Record<string, unknown>, 200));
  app.openapi(routes.docs, (c) => c.html(renderDocsPage(openApiDocument()), 200, { 'Content-Security-Policy': DOCS_CSP }));

  registerFeedback(app);

  app.onError(onError);
  app.notFound(notFound(() => app.routes));
  return app;
}

/** the deployed worker: one model loader per isolate, and the app for the plan WORKERS_PLAN names */
const loader = createModelLoader();
const apps: Partial<Record<Plan, ReturnType<typeof createApp>>> = { free: createApp(loader, LIMITS.free) };

export default {
  scheduled,
  fetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
    const { plan } = limitsFor(env.WORKERS_PLAN);
    return (apps[plan] ??= createApp(loader, LIMITS[plan])).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;

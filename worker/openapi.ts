import type { OpenAPIHono } from '@hono/zod-openapi';
import { addExamples } from './openapi-examples';

// the OpenAPI 3.1 document, generated from the route table and zod schemas the first time it is asked for.

export const API_INFO = {
  title: 'mnist-edge',
  version: '1.0.0',
  description:
    'Handwritten digit recognition at the edge: a small MLP trained offline in TypeScript, served from Cloudflare Workers. ' +
    'Every error is {"error": {"code", "message"}}; every classification names the model version that answered.',
};

export function buildOpenApiDocument(app: OpenAPIHono<any, any, any>) {
  const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: API_INFO });
  // every body is required; /classify declares it optional only so zod-openapi picks the validator by Content-Type
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, { requestBody?: { required?: boolean } }>)) {
      if (op?.requestBody) op.requestBody.required = true;
    }
  }
  // an anyOf of two array shapes: a `type` beside it makes generators add a third, unknown[] (worker/pixels.ts)
  const pixels = doc.components?.schemas?.Pixels as { type?: unknown; anyOf?: unknown } | undefined;
  if (pixels?.anyOf) delete pixels.type;
  addExamples(doc);
  return doc;
}

/** the document as served from `url`: its `servers` entry is the origin that served it, so a generated client's base URL is right */
export function withServer<T extends object>(doc: T, url: string): T & { servers: { url: string; description: string }[] } {
  return { ...doc, servers: [{ url: new URL(url).origin, description: 'the deployment that served this document' }] };
}

import type { OpenAPIHono } from '@hono/zod-openapi';

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
  return doc;
}

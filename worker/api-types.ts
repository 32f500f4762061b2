// the HTTP API's bodies as TypeScript types, inferred from the zod schemas that validate and
// document them, so the browser code (web/) never writes them a second time. web/ imports this file
// with `import type` only: the types vanish in the build and zod stays out of the browser bundles.
// only schemas.ts may be imported here: the browser's tsconfig type-checks every file this one
// reaches, and worker/feedback.ts reaches the Worker's bindings (Env, KV), which have no DOM types.

import type { z } from '@hono/zod-openapi';
import type { ClassifyResponse, ErrorResponse, FeedbackJson, ModelInfo as ModelInfoSchema, ReadResponse } from './schemas';

/** POST /classify's answer */
export type Answer = z.infer<typeof ClassifyResponse>;

/** GET /model */
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

/** every error answer: { error: { code, message } } */
export type ApiErrorBody = z.infer<typeof ErrorResponse>;

/** POST /feedback's body */
export type FeedbackBody = z.input<typeof FeedbackJson>;

/** POST /read's answer */
export type NumberAnswer = z.infer<typeof ReadResponse>;

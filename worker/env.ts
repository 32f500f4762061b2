// the bindings the worker reads. the shapes come from `wrangler types` (worker-configuration.d.ts);
// the rate limiters, the feedback database and the settings are optional here because the worker runs without them.

export type Bindings = Omit<
  Env,
  | 'CLASSIFY_LIMITER' | 'FEEDBACK_LIMITER' | 'MODEL_LIMITER' | 'DEFAULT_LIMITER' | 'MODEL_REFRESH_SECONDS' | 'FEEDBACK_DB' | 'FEEDBACK_DAILY_CAP'
  | 'FEEDBACK_SOURCE_DAILY_CAP' | 'FEEDBACK_LABEL_DAILY_CAP' | 'FEEDBACK_RETENTION_DAYS' | 'WORKERS_PLAN'
> & {
  CLASSIFY_LIMITER?: RateLimit;
  FEEDBACK_LIMITER?: RateLimit;
  MODEL_LIMITER?: RateLimit;
  DEFAULT_LIMITER?: RateLimit;
  MODEL_REFRESH_SECONDS?: string;
  FEEDBACK_DB?: D1Database;
  FEEDBACK_DAILY_CAP?: string;
  FEEDBACK_SOURCE_DAILY_CAP?: string;
  FEEDBACK_LABEL_DAILY_CAP?: string;
  FEEDBACK_RETENTION_DAYS?: string;
  /** a secret (`wrangler secret put FEEDBACK_SOURCE_SECRET`) mixed into the senders' pseudonyms; optional */
  FEEDBACK_SOURCE_SECRET?: string;
  /** "paid" raises the request limits (worker/limits.ts); anything else keeps the free plan's */
  WORKERS_PLAN?: string;
};

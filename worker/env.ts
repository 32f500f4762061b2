// the bindings the worker reads. the shapes come from `wrangler types` (worker-configuration.d.ts);
// the rate limiters are optional here because the worker runs without them.

export type Bindings = Omit<Env, 'CLASSIFY_LIMITER' | 'FEEDBACK_LIMITER' | 'MODEL_LIMITER' | 'MODEL_REFRESH_SECONDS'> & {
  CLASSIFY_LIMITER?: RateLimit;
  FEEDBACK_LIMITER?: RateLimit;
  MODEL_LIMITER?: RateLimit;
  MODEL_REFRESH_SECONDS?: string;
};

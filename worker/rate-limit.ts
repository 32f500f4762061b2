import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors';
import type { Bindings } from './env';

// per-client-IP limit through the Workers rate-limiting binding. skipped when the binding is absent
// (a deploy without [[ratelimits]]), when the request carries no CF-Connecting-IP, and for loopback
// addresses: Cloudflare's edge never sends those, `wrangler dev` does, and the local accuracy check
// (npm run check:served) and load test send thousands of requests from there.
// the binding's counters are per Cloudflare location and eventually consistent: a brake on abuse,
// not an exact quota.

/** the period configured for both limiters in wrangler.toml: the longest a client must wait */
const PERIOD_SECONDS = 60;

export function isLoopback(ip: string): boolean {
  return /^(127\.|::1$|::ffff:127\.)/.test(ip);
}

type LimiterName = 'CLASSIFY_LIMITER' | 'FEEDBACK_LIMITER';

/** classification and feedback count separately: feedback writes to KV, so its budget is much smaller */
export function rateLimitWith(name: LimiterName): MiddlewareHandler<{ Bindings: Bindings }> {
  return async (c, next) => {
    const limiter = c.env?.[name];
    const ip = c.req.header('cf-connecting-ip');
    if (limiter && ip && !isLoopback(ip)) {
      const { success } = await limiter.limit({ key: ip });
      if (!success) {
        throw new ApiError(429, 'rate_limited', `too many requests from this address; wait up to ${PERIOD_SECONDS} s and try again`, {
          'Retry-After': String(PERIOD_SECONDS),
        });
      }
    }
    await next();
  };
}

export const rateLimit = rateLimitWith('CLASSIFY_LIMITER');

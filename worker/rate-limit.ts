import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { clientAddress, isLoopback, networkKey, type V6Prefix } from './client-address';
import { ApiError } from './errors';
import type { Bindings } from './env';
import { CORS_ERROR_HEADERS } from './http-headers';

// per-client limits through the Workers rate-limiting bindings, one on every route: the classify
// routes, the model GETs and POST /feedback have budgets of their own; everything else (/openapi.json,
// /docs, 404s, 405s, CORS preflights, and any route added without a budget) shares DEFAULT_LIMITER.
// skipped when the binding is absent (a deploy without [[ratelimits]]), when the request carries no
// address, and for loopback addresses: Cloudflare's edge never sends those, `wrangler dev` does, and
// the local accuracy check (npm run check:served) and load test send thousands of requests from there.
// the binding's counters are per Cloudflare location and eventually consistent: a brake on loops,
// not an exact quota. and a brake inside the Worker cannot save the Worker's request quota: a 429
// is an invocation too. a WAF rule in front (README) stops a flood before it reaches the Worker.

export { isLoopback, parseIp } from './client-address';

/** the period configured for every limiter in wrangler.toml: the longest a client must wait */
const PERIOD_SECONDS = 60;

type LimiterName = 'CLASSIFY_LIMITER' | 'FEEDBACK_LIMITER' | 'MODEL_LIMITER' | 'DEFAULT_LIMITER';

/**
 * how much of an IPv6 address one budget covers. the generous per-minute budgets count a /64 (one
 * network, usually one household or one host) so that the many networks of a university or company
 * /48 do not share 120 classifications a minute; what a sender with a whole /48 gains by hopping
 * /64s is requests, which cost the same as the 429s they would otherwise get. feedback writes to
 * D1, whose free rows everyone shares, so its budget counts the /48, like its daily quota.
 */
const PREFIX: Record<LimiterName, V6Prefix> = { CLASSIFY_LIMITER: 64, MODEL_LIMITER: 64, DEFAULT_LIMITER: 64, FEEDBACK_LIMITER: 48 };

/** the key a request counts against: an IPv4 address, or an IPv6 /64 (the per-minute default) */
export const rateLimitKey = (ip: string, prefix: V6Prefix = 64): string => networkKey(ip, prefix);

/** true when the request is within `name`'s budget, or is not limited at all */
async function withinBudget(c: Context<{ Bindings: Bindings }>, name: LimiterName): Promise<boolean> {
  const limiter = c.env?.[name];
  const ip = clientAddress((h) => c.req.header(h));
  if (!limiter || !ip || isLoopback(ip)) return true;
  return (await limiter.limit({ key: networkKey(ip, PREFIX[name]) })).success;
}

const tooMany = (extra: Record<string, string> = {}) =>
  new ApiError(429, 'rate_limited', `too many requests from this address; wait up to ${PERIOD_SECONDS} s and try again`, {
    'Retry-After': String(PERIOD_SECONDS),
    ...extra,
  });

/** the middlewares that give a route a budget of its own: limitEveryRoute leaves those routes to them */
const ownBudgets = new WeakSet<Function>();

/**
 * each group of routes counts separately: feedback writes to D1, so its budget is much smaller;
 * the model GETs (model, weights, health) only read what an isolate holds, so theirs is generous.
 */
export function rateLimitWith(name: Exclude<LimiterName, 'DEFAULT_LIMITER'>): MiddlewareHandler<{ Bindings: Bindings }> {
  const middleware: MiddlewareHandler<{ Bindings: Bindings }> = async (c, next) => {
    if (!(await withinBudget(c, name))) throw tooMany();
    await next();
  };
  ownBudgets.add(middleware);
  return middleware;
}

export const rateLimit = rateLimitWith('CLASSIFY_LIMITER');
export const modelRateLimit = rateLimitWith('MODEL_LIMITER');

/**
 * app.use('*') before CORS: a request whose route has no budget of its own (none of its matched
 * handlers is a rateLimitWith middleware) counts against DEFAULT_LIMITER. it runs before the CORS
 * middleware because that answers preflights itself, so its 429 carries the CORS headers itself.
 */
export const limitEveryRoute: MiddlewareHandler<{ Bindings: Bindings }> = async (c, next) => {
  const routed = matchedRoutes(c).some((r) => ownBudgets.has(r.handler));
  if (!routed && !(await withinBudget(c, 'DEFAULT_LIMITER'))) throw tooMany(CORS_ERROR_HEADERS);
  await next();
};

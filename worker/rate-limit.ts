import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors';
import type { Bindings } from './env';

// per-client limits through the Workers rate-limiting bindings. skipped when the binding is absent
// (a deploy without [[ratelimits]]), when the request carries no CF-Connecting-IP, and for loopback
// addresses: Cloudflare's edge never sends those, `wrangler dev` does, and the local accuracy check
// (npm run check:served) and load test send thousands of requests from there.
// the binding's counters are per Cloudflare location and eventually consistent: a brake on abuse,
// not an exact quota.

/** the period configured for every limiter in wrangler.toml: the longest a client must wait */
const PERIOD_SECONDS = 60;

/** an address as numbers: 4 bytes, or 8 groups of 16 bits */
type ParsedIp = { v4: number[] } | { v6: number[] };

function parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function parseV6(text: string): number[] | null {
  if (text.length > 45 || !/^[0-9a-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string, last: boolean): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      // only the address's very end may be a dotted quad, which fills two groups
      const v4 = last && i === parts.length - 1 ? parseV4(parts[i]) : null;
      if (v4) out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      else if (/^[0-9a-f]{1,4}$/.test(parts[i])) out.push(parseInt(parts[i], 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1], true) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** IPv4, IPv6 and IPv4-mapped IPv6 (::ffff:a.b.c.d) as one IPv4 address; null for anything else */
export function parseIp(text: string): ParsedIp | null {
  const t = text.trim().toLowerCase();
  const v4 = parseV4(t);
  if (v4) return { v4 };
  const v6 = parseV6(t);
  if (!v6) return null;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  return mapped ? { v4: [v6[6] >> 8, v6[6] & 0xff, v6[7] >> 8, v6[7] & 0xff] } : { v6 };
}

export function isLoopback(ip: string): boolean {
  const parsed = parseIp(ip);
  if (parsed === null) return false;
  if ('v4' in parsed) return parsed.v4[0] === 127;
  return parsed.v6.every((g, i) => g === (i === 7 ? 1 : 0));
}

/**
 * whom a request counts against: an IPv4 address whole, an IPv6 address by its /64 (one customer's
 * network: a single host can pick any of its 2^64 addresses). anything unparsable shares one bucket,
 * so odd header values cannot mint fresh ones.
 */
export function rateLimitKey(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed === null) return 'unparsable';
  if ('v4' in parsed) return parsed.v4.join('.');
  return `${parsed.v6.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

type LimiterName = 'CLASSIFY_LIMITER' | 'FEEDBACK_LIMITER' | 'MODEL_LIMITER';

/**
 * each group of routes counts separately: feedback writes to D1, so its budget is much smaller;
 * the model GETs (model, weights, health) only read what an isolate holds, so theirs is generous.
 */
export function rateLimitWith(name: LimiterName): MiddlewareHandler<{ Bindings: Bindings }> {
  return async (c, next) => {
    const limiter = c.env?.[name];
    const ip = c.req.header('cf-connecting-ip');
    if (limiter && ip && !isLoopback(ip)) {
      const { success } = await limiter.limit({ key: rateLimitKey(ip) });
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
export const modelRateLimit = rateLimitWith('MODEL_LIMITER');

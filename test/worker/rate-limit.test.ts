import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/index';
import { createModelLoader } from '../../worker/model-loader';
import { isLoopback, rateLimitKey } from '../../worker/rate-limit';
import { call, expectError, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// CLASSIFY_LIMITER (120 requests per 60 s), MODEL_LIMITER (600 per 60 s) and DEFAULT_LIMITER (60 per
// 60 s, every route without a budget of its own) from wrangler.toml,
// simulated by miniflare, which counts per wall-clock minute (Math.floor(Date.now() / 60_000)).
// so that no test depends on the clock or on another test: each test uses addresses no other test
// uses, and a test that fills a count first waits for the next minute if too little of this one is left.

const CLASSIFY_LIMIT = 120;
const MODEL_LIMIT = 600;
const DEFAULT_LIMIT = 60;
const PERIOD_MS = 60_000;

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const from = (ip: string) => ({ 'CF-Connecting-IP': ip });
const classifyFrom = (ip: string) => postJson('/classify', { pixels: dotImage(1) }, from(ip));
const getFrom = (path: string, ip: string) => call(path, { headers: from(ip) });

/** sends n requests and expects each to succeed */
async function spend(n: number, send: (i: number) => Promise<Response>): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await send(i);
    expect(res.status, `request ${i + 1} of ${n}`).toBe(200);
    await res.arrayBuffer();
  }
}

/**
 * runs `work` inside one rate-limit window: waits for the next minute when less than `needMs` of
 * this one is left, and fails plainly (not as a wrong count) if the work still crossed a boundary
 */
async function inOneWindow(needMs: number, work: () => Promise<void>): Promise<void> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 100));
  const window = Math.floor(Date.now() / PERIOD_MS);
  await work();
  expect(Math.floor(Date.now() / PERIOD_MS), `the requests took longer than ${needMs} ms and crossed a minute boundary`).toBe(window);
}

// room for a limit's worth of requests on a loaded machine (about 1 s and 6 s measured on 2 busy cores),
// and each such test's timeout: the longest wait plus the work
const CLASSIFY_WINDOW_MS = 10_000;
const MODEL_WINDOW_MS = 20_000;
const TIMEOUT_MS = 90_000;

describe('rate limiting the classify routes per client', () => {
  it(`allows ${CLASSIFY_LIMIT} classifications a minute from an IPv4 address, then answers 429 on both classify routes`, async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      await spend(CLASSIFY_LIMIT, () => classifyFrom('203.0.113.7'));
      const res = await classifyFrom('203.0.113.7');
      expect(res.headers.get('retry-after')).toBe('60');
      expect(await expectError(res, 429, 'rate_limited')).toMatch(/too many requests/);
      await expectError(await postJson('/classify/batch', { images: [dotImage(1)] }, from('203.0.113.7')), 429, 'rate_limited');
      // another address, and the model routes of the same one, have counts of their own
      expect((await classifyFrom('203.0.113.8')).status).toBe(200);
      expect((await getFrom('/healthz', '203.0.113.7')).status).toBe(200);
    });
  }, TIMEOUT_MS);

  it('counts an IPv6 /64 as one client: any address in it is limited, the next /64 is not', async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      // a different interface id for every request, as a host hopping addresses would send
      await spend(CLASSIFY_LIMIT, (i) => classifyFrom(`2001:db8:a:b:${(i + 1).toString(16)}::1`));
      await expectError(await classifyFrom('2001:db8:a:b:ffff:ffff:ffff:ffff'), 429, 'rate_limited');
      await expectError(await classifyFrom('2001:DB8:A:B::7'), 429, 'rate_limited');
      expect((await classifyFrom('2001:db8:a:c::1')).status).toBe(200);
    });
  }, TIMEOUT_MS);

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      await spend(CLASSIFY_LIMIT, () => classifyFrom('198.51.100.20'));
      await expectError(await classifyFrom('::ffff:198.51.100.20'), 429, 'rate_limited');
      await expectError(await classifyFrom('::ffff:c633:6414'), 429, 'rate_limited');
    });
  }, TIMEOUT_MS);

  it('puts every unparsable address in one shared count, so odd values cannot mint fresh ones', async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      await spend(CLASSIFY_LIMIT, (i) => classifyFrom(`not-an-address-${i}`));
      await expectError(await classifyFrom('[2001:db8::1]'), 429, 'rate_limited');
    });
  }, TIMEOUT_MS);

  it('does not limit loopback addresses, which only wrangler dev sends', async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS * 2, async () => {
      for (const ip of ['127.0.0.1', '::1']) await spend(CLASSIFY_LIMIT + 5, () => classifyFrom(ip));
    });
  }, TIMEOUT_MS);

  it('is skipped when the binding is absent', async () => {
    const app = createApp(createModelLoader());
    const noLimiter = { MODELS: env.MODELS };
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      await spend(CLASSIFY_LIMIT + 5, async () =>
        app.request('/classify', { method: 'POST', headers: { 'Content-Type': 'application/json', ...from('192.0.2.9') }, body: JSON.stringify({ pixels: dotImage(2) }) }, noLimiter),
      );
    });
  }, TIMEOUT_MS);
});

describe('rate limiting the model routes per client', () => {
  const ROUTES = ['/model', '/model/weights', '/healthz', '/readyz'];

  it(`allows ${MODEL_LIMIT} GETs a minute shared by ${ROUTES.join(', ')}, then answers 429; classify and docs keep their own counts`, async () => {
    const ip = '192.0.2.50';
    await inOneWindow(MODEL_WINDOW_MS, async () => {
      await spend(MODEL_LIMIT, (i) => getFrom(ROUTES[i % ROUTES.length], ip));
      for (const path of ROUTES) {
        const res = await getFrom(path, ip);
        expect(res.headers.get('retry-after')).toBe('60');
        await expectError(res, 429, 'rate_limited');
      }
      expect((await classifyFrom(ip)).status).toBe(200);
      expect((await getFrom('/openapi.json', ip)).status).toBe(200);
      expect((await getFrom('/docs', ip)).status).toBe(200);
      expect((await getFrom('/healthz', '192.0.2.51')).status).toBe(200);
    });
  }, TIMEOUT_MS);
});

describe('a limiter on every route', () => {
  /** the routes without a budget of their own, each with what it answers within the limit */
  const OTHERS: [string, RequestInit, number][] = [
    ['/openapi.json', {}, 200],
    ['/docs', {}, 200],
    ['/no-such-route', {}, 404],
    ['/feedback', {}, 405], // GET on a POST route
    ['/classify', { method: 'DELETE' }, 405],
    ['/classify', { method: 'OPTIONS', headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST' } }, 204],
  ];
  const send = ([path, init]: [string, RequestInit, number], ip: string) => call(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...from(ip) } });

  it(`allows ${DEFAULT_LIMIT} requests a minute shared by /openapi.json, /docs, 404s, 405s and preflights, then answers each 429 with CORS headers`, async () => {
    const ip = '192.0.2.60';
    await inOneWindow(CLASSIFY_WINDOW_MS, async () => {
      for (let i = 0; i < DEFAULT_LIMIT; i++) {
        const res = await send(OTHERS[i % OTHERS.length], ip);
        expect(res.status, `request ${i + 1}: ${OTHERS[i % OTHERS.length][0]}`).toBe(OTHERS[i % OTHERS.length][2]);
        await res.arrayBuffer();
      }
      for (const route of OTHERS) {
        const res = await send(route, ip);
        expect(res.headers.get('retry-after'), route[0]).toBe('60');
        expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
        expect(await expectError(res, 429, 'rate_limited')).toMatch(/too many requests/);
      }
      // the routes with budgets of their own keep them, and another address has its own
      expect((await classifyFrom(ip)).status).toBe(200);
      expect((await getFrom('/healthz', ip)).status).toBe(200);
      expect((await getFrom('/docs', '192.0.2.61')).status).toBe(200);
    });
  }, TIMEOUT_MS);

  it('counts an IPv6 /64 as one client, and skips loopback', async () => {
    await inOneWindow(CLASSIFY_WINDOW_MS * 2, async () => {
      await spend(DEFAULT_LIMIT, (i) => getFrom('/openapi.json', `2001:db8:60:60:${(i + 1).toString(16)}::1`));
      await expectError(await getFrom('/openapi.json', '2001:db8:60:60::ffff'), 429, 'rate_limited');
      expect((await getFrom('/openapi.json', '2001:db8:60:61::1')).status).toBe(200);
      await spend(DEFAULT_LIMIT + 5, () => getFrom('/openapi.json', '127.0.0.1'));
    });
  }, TIMEOUT_MS);
});

describe('the key a request counts against', () => {
  it('is an IPv4 address whole', () => {
    expect(rateLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKey(' 203.0.113.7 ')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    for (const ip of ['2001:db8:a:b::1', '2001:0db8:000a:000b:0000:0000:0000:0001', '2001:DB8:A:B:FFFF:FFFF:FFFF:FFFF', '2001:db8:a:b:1:2:3.4.5.6']) {
      expect(rateLimitKey(ip), ip).toBe('2001:db8:a:b::/64');
    }
    expect(rateLimitKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('::2')).toBe('0:0:0:0::/64');
  });

  it('is the /48 of an IPv6 address for the limiter of POST /feedback', () => {
    expect(rateLimitKey('2001:db8:a:b::1', 48)).toBe('2001:db8:a::/48');
    expect(rateLimitKey('2001:db8:a:ffff:1:2:3:4', 48)).toBe('2001:db8:a::/48');
    expect(rateLimitKey('203.0.113.7', 48)).toBe('203.0.113.7');
  });

  it('is the IPv4 address inside an IPv4-mapped IPv6 address', () => {
    expect(rateLimitKey('::ffff:198.51.100.20')).toBe('198.51.100.20');
    expect(rateLimitKey('::FFFF:c633:6414')).toBe('198.51.100.20');
    expect(rateLimitKey('0:0:0:0:0:ffff:198.51.100.20')).toBe('198.51.100.20');
  });

  it('is one shared bucket for anything that is not an address', () => {
    const odd = [
      '', ' ', 'unknown', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4444', '1.2.3.4:80', '[2001:db8::1]', '2001:db8::1%eth0',
      '2001:db8::1::2', ':::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::1', '1.2.3.4::', '::1.2.3', 'a'.repeat(10_000),
    ];
    for (const ip of odd) expect(rateLimitKey(ip), JSON.stringify(ip.slice(0, 40))).toBe('unparsable');
  });

  it('recognises loopback in every spelling, and nothing else', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopback(ip), ip).toBe(true);
    for (const ip of ['128.0.0.1', '::2', '::', '1::1', '::ffff:128.0.0.1', '127.0.0.1.evil', 'localhost']) expect(isLoopback(ip), ip).toBe(false);
  });
});

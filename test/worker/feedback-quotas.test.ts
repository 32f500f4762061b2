import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { clientAddress } from '../../worker/client-address';
import { createApp } from '../../worker/index';
import { CANDIDATES, DEFAULT_FEEDBACK_SETTINGS, deleteExpired, secondsToNextUtcDay, storeFeedback } from '../../worker/feedback-store';
import { senderOf, sourcePseudonym } from '../../worker/feedback-source';
import { createModelLoader } from '../../worker/model-loader';
import { inkOf, NEAR_DISTANCE, signature } from '../../worker/near-duplicate';
import { feedbackId } from '../../shared/feedback';
import { expectError } from './helpers/http';

// the quotas of POST /feedback that one client cannot exhaust, against the real local D1 of this
// file (migrations/ applied by setup.ts): per sender (an IPv4 address, or an IPv6 /48) and per label a
// UTC day, beside the cap for everyone; and near-duplicates, which are not stored twice.
// each test uses networks of its own (random per run) and waits out a UTC midnight it would cross.

const db = env.FEEDBACK_DB;
const rand16 = () => crypto.getRandomValues(new Uint16Array(1))[0].toString(16);
/** a /48 of this test's own: 2001:db8:XXXX::/48 with a random third group (2001:db8::/32 is for documentation) */
const fresh48 = () => `2001:db8:${rand16()}`;
/** an IPv4 address of this test's own, in 198.18.0.0/15 (for benchmarks) */
const freshV4 = () => {
  const [a, b] = crypto.getRandomValues(new Uint8Array(2));
  return `198.${18 + (a & 1)}.${b}.${1 + (a >> 1)}`;
};

/** a stroke drawing of its own: a random walk of 120 steps, so that no two calls are near-duplicates */
function drawing(): number[] {
  const img = new Array<number>(D).fill(0);
  let x = 14;
  let y = 14;
  for (const step of crypto.getRandomValues(new Uint8Array(120))) {
    x = Math.min(25, Math.max(2, x + [-1, 0, 1, 1][step & 3]));
    y = Math.min(25, Math.max(2, y + [-1, 0, 1, 0][(step >> 2) & 3]));
    img[y * IMAGE_SIDE + x] = 255;
    img[y * IMAGE_SIDE + x + 1] = 160;
  }
  return img;
}

/** the worker app with other [vars], as a deployment with other settings would run */
function appWith(vars: Record<string, string>) {
  const app = createApp(createModelLoader());
  return (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }, { ...env, ...vars });
}

const today = () => new Date().toISOString().slice(0, 10);

/** if the next `seconds` would cross 00:00 UTC (a new day's quotas), start after it instead */
async function awayFromMidnight(seconds = 20): Promise<void> {
  const day = 24 * 3600 * 1000;
  const left = day - (Date.now() % day);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

async function expectQuota(res: Response, code: string): Promise<string> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Math.abs(retryAfter - secondsToNextUtcDay(new Date()))).toBeLessThanOrEqual(2);
  const message = await expectError(res, 429, code);
  expect(message).toMatch(/after 00:00 UTC/);
  return message;
}

describe('the daily quota of one sender', () => {
  it('counts an IPv6 /48 as one sender: rotating /64s inside it reaches the quota, another /48 still stores', async () => {
    await awayFromMidnight();
    const post = appWith({ FEEDBACK_SOURCE_DAILY_CAP: '3' });
    const site = fresh48();
    for (let i = 0; i < 3; i++) {
      const res = await post({ pixels: drawing(), label: 4 }, { 'CF-Connecting-IP': `${site}:${rand16()}:${i}::${rand16()}` });
      expect(res.status, `correction ${i + 1}`).toBe(201);
    }
    const refused = drawing();
    const message = await expectQuota(await post({ pixels: refused, label: 4 }, { 'CF-Connecting-IP': `${site}:ffff:1:2:3:4` }), 'source_quota_reached');
    expect(message).toMatch(/at most 3 a UTC day from one IPv4 address or IPv6 \/48/);
    expect(await db.prepare('SELECT 1 FROM feedback WHERE hash = ?1').bind(await feedbackId(Uint8Array.from(refused))).first()).toBeNull();
    expect((await post({ pixels: refused, label: 4 }, { 'CF-Connecting-IP': `${fresh48()}::1` })).status).toBe(201);
  });

  it('counts an IPv4 address as one sender, and an IPv4-mapped IPv6 address as that IPv4 address', async () => {
    await awayFromMidnight();
    const post = appWith({ FEEDBACK_SOURCE_DAILY_CAP: '2' });
    const ip = freshV4();
    expect((await post({ pixels: drawing(), label: 2 }, { 'CF-Connecting-IP': ip })).status).toBe(201);
    expect((await post({ pixels: drawing(), label: 2 }, { 'CF-Connecting-IP': `::ffff:${ip}` })).status).toBe(201);
    await expectQuota(await post({ pixels: drawing(), label: 2 }, { 'CF-Connecting-IP': ip }), 'source_quota_reached');
    expect((await post({ pixels: drawing(), label: 2 }, { 'CF-Connecting-IP': freshV4() })).status).toBe(201);
  });

  it('reads Cf-Connecting-IPv6 when CF-Connecting-IP is a Pseudo IPv4 address, and ignores it beside a real IPv4 address', async () => {
    await awayFromMidnight();
    const post = appWith({ FEEDBACK_SOURCE_DAILY_CAP: '2' });
    // Pseudo IPv4 "overwrite headers": a class E address per IPv6 address, the real one in Cf-Connecting-IPv6
    const site = fresh48();
    const pseudo = () => `24${Math.floor(Math.random() * 10)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.7`;
    for (let i = 0; i < 2; i++) {
      expect((await post({ pixels: drawing(), label: 5 }, { 'CF-Connecting-IP': pseudo(), 'Cf-Connecting-IPv6': `${site}:${i}::1` })).status).toBe(201);
    }
    await expectQuota(await post({ pixels: drawing(), label: 5 }, { 'CF-Connecting-IP': pseudo(), 'Cf-Connecting-IPv6': `${site}:9::1` }), 'source_quota_reached');
    // beside a real IPv4 address the header is a client's own: a fresh one per request must not mint fresh quotas
    const ip = freshV4();
    for (let i = 0; i < 2; i++) {
      expect((await post({ pixels: drawing(), label: 5 }, { 'CF-Connecting-IP': ip, 'Cf-Connecting-IPv6': `${fresh48()}::1` })).status).toBe(201);
    }
    await expectQuota(await post({ pixels: drawing(), label: 5 }, { 'CF-Connecting-IP': ip, 'Cf-Connecting-IPv6': `${fresh48()}::1` }), 'source_quota_reached');
  });

  it('picks the address as described', () => {
    const from = (h: Record<string, string>) => clientAddress((name) => h[name]);
    expect(from({ 'cf-connecting-ip': '203.0.113.9' })).toBe('203.0.113.9');
    expect(from({ 'cf-connecting-ip': '240.1.2.3', 'cf-connecting-ipv6': '2001:db8:1:2::3' })).toBe('2001:db8:1:2::3');
    expect(from({ 'cf-connecting-ipv6': '2001:db8:1:2::3' })).toBe('2001:db8:1:2::3');
    expect(from({ 'cf-connecting-ip': '203.0.113.9', 'cf-connecting-ipv6': '2001:db8:1:2::3' })).toBe('203.0.113.9');
    expect(from({ 'cf-connecting-ip': '240.1.2.3', 'cf-connecting-ipv6': 'not an address' })).toBe('240.1.2.3');
    expect(from({})).toBeNull();
  });

  it('stores a pseudonym of the day, never the address: the same /48 the same day is one sender, the next day another', async () => {
    const a = await sourcePseudonym('2001:db8:aa:1::1', '2101-01-01');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await sourcePseudonym('2001:db8:aa:ffff::9', '2101-01-01')).toBe(a);
    expect(await sourcePseudonym('2001:db8:ab::1', '2101-01-01')).not.toBe(a);
    expect(await sourcePseudonym('2001:db8:aa:1::1', '2101-01-02')).not.toBe(a);
    expect(await sourcePseudonym('2001:db8:aa:1::1', '2101-01-01', 'a secret')).not.toBe(a);
    // no address, or loopback (wrangler dev): no sender to count
    expect(await senderOf(() => undefined, '2101-01-01')).toBeNull();
    expect(await senderOf((h) => (h === 'cf-connecting-ip' ? '::1' : undefined), '2101-01-01')).toBeNull();
  });
});

describe('the daily cap of one label', () => {
  it('stops one digit from filling the day: past FEEDBACK_LABEL_DAILY_CAP, 429 for that label while the others still store', async () => {
    await awayFromMidnight();
    const label = 9;
    const stored = async (l: number) => (await db.prepare('SELECT stored FROM feedback_label_days WHERE day = ?1 AND label = ?2').bind(today(), l).first<{ stored: number }>())?.stored ?? 0;
    const cap = (await stored(label)) + 2;
    const post = appWith({ FEEDBACK_LABEL_DAILY_CAP: String(cap) });
    // from different senders, so that only the label's cap can be what refuses
    for (let i = 0; i < 2; i++) expect((await post({ pixels: drawing(), label }, { 'CF-Connecting-IP': freshV4() })).status).toBe(201);
    expect(await stored(label)).toBe(cap);
    const message = await expectQuota(await post({ pixels: drawing(), label }, { 'CF-Connecting-IP': freshV4() }), 'label_quota_reached');
    expect(message).toMatch(new RegExp(`labelled ${label} are full: .*at most ${cap} a UTC day for each digit`));
    expect((await post({ pixels: drawing(), label: 0 }, { 'CF-Connecting-IP': freshV4() })).status).toBe(201);
  });
});

describe('near-duplicates', () => {
  it('are not stored: one pixel changed is the same drawing (200, the first id and label); a different drawing is stored', async () => {
    const post = appWith({});
    const first = drawing();
    const res = await post({ pixels: first, label: 3 });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    // one pixel changed anywhere, to any value: a new exact hash, the same drawing
    for (const [at, value] of [[0, 255], [first.indexOf(255), 0], [400, 128]] as const) {
      const changed = [...first];
      changed[at] = value;
      const again = await post({ pixels: changed, label: 8 });
      expect(again.status, `pixel ${at} = ${value}`).toBe(200);
      expect(await again.json()).toEqual({ id, label: 3, duplicate: true });
    }
    // four pixels inked where there was none: still the same
    const four = [...first];
    for (const at of [29, 200, 500, 754]) four[at] = 255;
    expect((await post({ pixels: four, label: 3 })).status).toBe(200);
    // another digit: stored
    expect((await post({ pixels: drawing(), label: 3 })).status).toBe(201);
  });

  it('each count against the sender\'s quota, since each cost a search', async () => {
    await awayFromMidnight();
    const post = appWith({ FEEDBACK_SOURCE_DAILY_CAP: '3' });
    const from = { 'CF-Connecting-IP': freshV4() };
    const first = drawing();
    expect((await post({ pixels: first, label: 6 }, from)).status).toBe(201);
    for (const at of [1, 2]) {
      const changed = [...first];
      changed[at] = 200;
      expect((await post({ pixels: changed, label: 6 }, from)).status).toBe(200);
    }
    await expectQuota(await post({ pixels: drawing(), label: 6 }, from), 'source_quota_reached');
    // the very same pixels are still acknowledged: that costs one lookup, not a search
    expect((await post({ pixels: first, label: 6 }, from)).status).toBe(200);
  });

  it('are searched only among the day\'s corrections of similar ink, through an index: the rows read stay few', async () => {
    // this test owns 2102-03-04: 60 drawings of widely spread ink stored that day
    const createdAt = new Date('2102-03-04T12:00:00.000Z');
    const inks: number[] = [];
    for (let i = 0; i < 60; i++) {
      const pixels = new Uint8Array(D);
      for (let p = 0; p < 10 + 8 * i; p++) pixels[(p * 7919 + i) % D] = 255;
      const sig = signature(pixels);
      inks.push(inkOf(sig));
      const fb = { id: await feedbackId(pixels), pixels, label: 1, predicted: null, modelVersion: null, createdAt, source: null, signature: sig };
      expect((await storeFeedback(db, fb, DEFAULT_FEEDBACK_SETTINGS)).kind).toBe('stored');
    }
    const ink = inks[30];
    const result = await db.prepare(CANDIDATES).bind('2102-03-04', ink - NEAR_DISTANCE, ink + NEAR_DISTANCE).all();
    const near = inks.filter((v) => Math.abs(v - ink) <= NEAR_DISTANCE).length;
    expect(result.results.length).toBe(near);
    expect(near).toBeLessThan(10);
    expect(result.meta.rows_read).toBeLessThanOrEqual(near + 1);
  });
});

describe('retention of the counters', () => {
  it('deletes label counters with the corrections, and senders\' counters once their day is over', async () => {
    // this test owns the year 2003
    await db.batch([
      db.prepare("INSERT INTO feedback_label_days (day, label, stored) VALUES ('2003-01-01', 1, 5), ('2003-06-01', 1, 5)"),
      db.prepare("INSERT INTO feedback_source_days (day, source, used) VALUES ('2003-06-01', 'aaaaaaaaaaaaaaaa', 5), ('2003-06-09', 'aaaaaaaaaaaaaaaa', 5), ('2003-06-10', 'aaaaaaaaaaaaaaaa', 5)"),
    ]);
    await deleteExpired(db, new Date('2003-06-10T03:17:00.000Z'), 90);
    const labels = await db.prepare("SELECT day FROM feedback_label_days WHERE day LIKE '2003-%' ORDER BY day").all<{ day: string }>();
    expect(labels.results.map((r) => r.day)).toEqual(['2003-06-01']);
    const sources = await db.prepare("SELECT day FROM feedback_source_days WHERE day LIKE '2003-%' ORDER BY day").all<{ day: string }>();
    expect(sources.results.map((r) => r.day)).toEqual(['2003-06-09', '2003-06-10']);
  });
});

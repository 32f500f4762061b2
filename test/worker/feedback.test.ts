import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { FEEDBACK_ID_PATTERN, feedbackId } from '../../shared/feedback';
import worker, { createApp } from '../../worker/index';
import { FEEDBACK_LIMIT } from '../../worker/feedback';
import { DEFAULT_FEEDBACK_SETTINGS, secondsToNextUtcDay, storeFeedback, type NewFeedback } from '../../worker/feedback-store';
import { signature } from '../../worker/near-duplicate';
import { createModelLoader } from '../../worker/model-loader';
import { scheduled } from '../../worker/scheduled';
import { call, expectError, postJson } from './helpers/http';

// POST /feedback: validated like /classify, stored once per drawing in the FEEDBACK_DB database
// (D1, migrations/ applied by setup.ts), within a daily cap for everyone, deleted after the
// retention period, nothing about the sender kept.
// the tests of a file share one database and run in any order: each draws its own random pixels,
// owns the days it dates rows on, and waits out a clock boundary it would otherwise cross.

const db = env.FEEDBACK_DB;

/**
 * a vertical bar, as the widget would send a "1", plus random specks (1..254) so that no other test
 * (or run) sends the same drawing or one near it (worker/near-duplicate.ts): two such drawings are
 * about 80 levels apart, near-duplicates 16 at most
 */
function drawing(value = 255): number[] {
  const img = new Array<number>(D).fill(0);
  for (let y = 4; y < 24; y++) img[y * 28 + 14] = value;
  const noise = crypto.getRandomValues(new Uint16Array(48));
  for (let i = 0; i < noise.length; i += 2) img[noise[i] % D] = 1 + (noise[i + 1] % 254);
  return img;
}

interface Row {
  hash: string;
  pixels: ArrayBuffer | number[];
  label: number;
  predicted: number | null;
  model_version: string | null;
  created_at: string;
  source: string | null;
}

const row = (id: string) => db.prepare('SELECT * FROM feedback WHERE hash = ?1').bind(id).first<Row>();
const rowCount = async () => (await db.prepare('SELECT count(*) AS n FROM feedback').first<{ n: number }>())!.n;
const storedOn = async (day: string) => (await db.prepare('SELECT stored FROM feedback_days WHERE day = ?1').bind(day).first<{ stored: number }>())?.stored ?? 0;
const bytesOf = (pixels: ArrayBuffer | number[]) => Array.from(pixels instanceof ArrayBuffer ? new Uint8Array(pixels) : pixels);
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** a fresh worker app with some bindings changed, as a deployment with other settings would run */
function appWith(bindings: Record<string, unknown>) {
  const app = createApp(createModelLoader());
  return (body: unknown) => app.request('/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, { ...env, ...bindings });
}

/** if `seconds` from now would cross the next multiple of `periodMs` (a UTC day, a rate-limit window), start after it instead */
async function awayFromBoundary(periodMs: number, seconds: number): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

describe('POST /feedback stores a correction', () => {
  it('answers 201 with the id of the drawing, and the row holds its pixels, labels, model and time', async () => {
    const pixels = drawing();
    const before = Date.now();
    const res = await postJson('/feedback', { pixels, label: 7, predicted: 1, modelVersion: '3f2a9c0d1e4b5a67' });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json<{ id: string; label: number; duplicate: boolean }>();
    expect(body).toEqual({ id: expect.stringMatching(FEEDBACK_ID_PATTERN), label: 7, duplicate: false });
    expect(body.id).toBe(await feedbackId(Uint8Array.from(pixels)));

    const stored = await row(body.id);
    expect(stored).toMatchObject({ hash: body.id, label: 7, predicted: 1, model_version: '3f2a9c0d1e4b5a67' });
    expect(bytesOf(stored!.pixels)).toEqual(pixels);
    const at = Date.parse(stored!.created_at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(stored!.created_at).toBe(new Date(at).toISOString());
  });

  it('takes 28 rows of 28 and fractional values like /classify, and stores whole numbers', async () => {
    const pixels = drawing(200.6);
    const grid = Array.from({ length: 28 }, (_, y) => pixels.slice(y * 28, y * 28 + 28));
    const res = await postJson('/feedback', { pixels: grid, label: 1 });
    expect(res.status).toBe(201);
    const stored = await row((await res.json<{ id: string }>()).id);
    expect(bytesOf(stored!.pixels)).toEqual(pixels.map(Math.round));
    expect(stored).toMatchObject({ predicted: null, model_version: null });
  });

  it('gives different drawings different ids', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await (await postJson('/feedback', { pixels: drawing(), label: 1 })).json<{ id: string }>()).id));
    expect(new Set(ids).size).toBe(3);
  });

  it('keeps nothing about the sender: no address, no user agent, in no column or table', async () => {
    const res = await postJson('/feedback', { pixels: drawing(), label: 4 }, { 'CF-Connecting-IP': '192.0.2.44', 'User-Agent': 'UniqueAgent/9.9', Cookie: 'who=me' });
    const { id } = await res.json<{ id: string }>();
    const stored = await row(id);
    expect(Object.keys(stored!).sort()).toEqual(['created_at', 'hash', 'ink', 'label', 'model_version', 'pixels', 'predicted', 'signature', 'source']);
    expect(stored!.source).toMatch(/^[0-9a-f]{16}$/); // a pseudonym of the day, not the address
    const text = JSON.stringify({ ...stored, pixels: null, signature: null });
    for (const secret of ['192.0.2.44', 'UniqueAgent', 'who=me']) expect(text).not.toContain(secret);
    const tables = await db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name).sort()).toEqual(['d1_migrations', 'feedback', 'feedback_days', 'feedback_label_days', 'feedback_source_days']);
  });
});

describe('the same drawing twice', () => {
  it('is stored once: the second answer is 200 with the same id, duplicate true and the first label', async () => {
    const pixels = drawing();
    const first = await postJson('/feedback', { pixels, label: 3 });
    expect(first.status).toBe(201);
    const { id } = await first.json<{ id: string }>();
    const before = await rowCount();
    const second = await postJson('/feedback', { pixels, label: 5, predicted: 2 });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ id, label: 3, duplicate: true });
    expect(await rowCount()).toBe(before);
    expect(await row(id)).toMatchObject({ label: 3, predicted: null });
  });

  it('is stored once when the copies arrive together', async () => {
    const pixels = drawing();
    const answers = await Promise.all([0, 1, 2, 3].map(() => postJson('/feedback', { pixels, label: 6 })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const ids = await Promise.all(answers.map(async (r) => (await r.json<{ id: string }>()).id));
    expect(new Set(ids).size).toBe(1);
  });

  it('is the same drawing after rounding: 254.6 and 255 are one', async () => {
    const pixels = drawing();
    const first = await postJson('/feedback', { pixels, label: 1 });
    const second = await postJson('/feedback', { pixels: pixels.map((v) => (v === 255 ? 254.6 : v)), label: 1 });
    expect([first.status, second.status]).toEqual([201, 200]);
  });
});

describe('the daily cap for all senders together', () => {
  const at = (iso: string, label = 2): NewFeedback & { pixels: Uint8Array } => {
    const pixels = Uint8Array.from(drawing());
    return { id: '', pixels, label, predicted: null, modelVersion: null, createdAt: new Date(iso), source: null, signature: signature(pixels) };
  };
  const store = async (fb: NewFeedback, cap: number) => storeFeedback(db, { ...fb, id: await feedbackId(fb.pixels) }, { ...DEFAULT_FEEDBACK_SETTINGS, dailyCap: cap });

  it('stores up to the cap on a UTC day, then nothing more that day; the next day starts again', async () => {
    // this test owns 2101-01-01 and 2101-01-02
    await db.batch([db.prepare("DELETE FROM feedback WHERE created_at LIKE '2101-01-0%'"), db.prepare("DELETE FROM feedback_days WHERE day LIKE '2101-01-0%'")]);
    const day = [at('2101-01-01T08:00:00.000Z'), at('2101-01-01T09:00:00.000Z'), at('2101-01-01T23:59:59.999Z')];
    expect((await store(day[0], 2)).kind).toBe('stored');
    expect((await store(day[1], 2)).kind).toBe('stored');
    expect(await store(day[2], 2)).toEqual({ kind: 'full', quota: 'everyone', retryAfterSeconds: 1 });
    expect(await storedOn('2101-01-01')).toBe(2);
    expect(await row(await feedbackId(day[2].pixels))).toBeNull();
    // a duplicate is answered as one even when the day is full
    expect(await store({ ...day[0], label: 9 }, 2)).toMatchObject({ kind: 'duplicate', label: 2 });
    expect((await store(at('2101-01-02T00:00:00.000Z'), 2)).kind).toBe('stored');
    expect(await storedOn('2101-01-02')).toBe(1);
  });

  it('says when the next day starts: the seconds to 00:00 UTC', () => {
    expect(secondsToNextUtcDay(new Date('2101-01-01T00:00:00.000Z'))).toBe(86400);
    expect(secondsToNextUtcDay(new Date('2101-01-01T23:00:00.000Z'))).toBe(3600);
    expect(secondsToNextUtcDay(new Date('2101-01-01T23:59:59.999Z'))).toBe(1);
  });

  it('answers 429 daily_cap_reached with Retry-After to midnight UTC once FEEDBACK_DAILY_CAP is reached, and stores nothing', async () => {
    await awayFromBoundary(24 * 3600 * 1000, 10); // the count is per UTC day
    const cap = (await storedOn(utcDay(Date.now()))) + 2;
    const post = appWith({ FEEDBACK_DAILY_CAP: String(cap) });
    expect((await post({ pixels: drawing(), label: 1 })).status).toBe(201);
    const kept = drawing();
    expect((await post({ pixels: kept, label: 1 })).status).toBe(201);
    const refused = drawing();
    const res = await post({ pixels: refused, label: 1 });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Math.abs(retryAfter - secondsToNextUtcDay(new Date()))).toBeLessThanOrEqual(2);
    expect(await expectError(res, 429, 'daily_cap_reached')).toMatch(new RegExp(`at most ${cap} corrections a UTC day.*after 00:00 UTC`));
    expect(await row(await feedbackId(Uint8Array.from(refused)))).toBeNull();
    // what is stored already is still acknowledged
    expect((await post({ pixels: kept, label: 1 })).status).toBe(200);
  });

  it('closes feedback with a cap of 0', async () => {
    await expectError(await appWith({ FEEDBACK_DAILY_CAP: '0' })({ pixels: drawing(), label: 1 }), 429, 'daily_cap_reached');
  });

  it('answers 503 naming the setting when FEEDBACK_DAILY_CAP is not a whole number', async () => {
    expect(await expectError(await appWith({ FEEDBACK_DAILY_CAP: 'lots' })({ pixels: drawing(), label: 1 }), 503, 'feedback_unavailable')).toMatch(/FEEDBACK_DAILY_CAP .*"lots"/);
  });
});

describe('the retention period', () => {
  // this test owns the year 2001: rows sent then, deleted by a cron run dated then
  const sentOn = async (iso: string) => {
    const pixels = Uint8Array.from(drawing());
    const id = await feedbackId(pixels);
    const fb = { id, pixels, label: 8, predicted: null, modelVersion: null, createdAt: new Date(iso), source: null, signature: signature(pixels) };
    expect((await storeFeedback(db, fb, DEFAULT_FEEDBACK_SETTINGS)).kind).toBe('stored');
    return id;
  };

  it('the daily cron deletes corrections older than FEEDBACK_RETENTION_DAYS, and their day counters', async () => {
    await db.batch([db.prepare("DELETE FROM feedback WHERE created_at < '2002'"), db.prepare("DELETE FROM feedback_days WHERE day < '2002'")]);
    const old = await sentOn('2001-01-04T23:59:59.999Z');
    const kept = await sentOn('2001-01-05T03:00:00.000Z'); // exactly 90 days before the run
    const recent = await sentOn('2001-04-01T12:00:00.000Z');
    const today = await (await postJson('/feedback', { pixels: drawing(), label: 8 })).json<{ id: string }>();

    // the worker's own default export, as the cron trigger calls it, with wrangler.toml's 90 days
    const controller = createScheduledController({ scheduledTime: new Date('2001-04-05T03:00:00.000Z'), cron: '17 3 * * *' });
    await worker.scheduled(controller, env);
    expect(await row(old)).toBeNull();
    for (const id of [kept, recent, today.id]) expect(await row(id), id).not.toBeNull();
    expect(await storedOn('2001-01-04')).toBe(0);
    expect(await storedOn('2001-01-05')).toBe(1);
  });

  it('follows FEEDBACK_RETENTION_DAYS, and deleting again deletes nothing more', async () => {
    await db.batch([db.prepare("DELETE FROM feedback WHERE created_at < '2002'"), db.prepare("DELETE FROM feedback_days WHERE day < '2002'")]);
    const older = await sentOn('2001-03-01T00:00:00.000Z');
    const newer = await sentOn('2001-03-31T00:00:00.000Z');
    const controller = createScheduledController({ scheduledTime: new Date('2001-04-05T00:00:00.000Z') });
    await scheduled(controller, { ...env, FEEDBACK_RETENTION_DAYS: '7' });
    expect(await row(older)).toBeNull();
    expect(await row(newer)).not.toBeNull();
    const count = await rowCount();
    await scheduled(controller, { ...env, FEEDBACK_RETENTION_DAYS: '7' });
    expect(await rowCount()).toBe(count);
  });

  it('refuses a FEEDBACK_RETENTION_DAYS that is not a whole number ≥ 1, and deletes nothing', async () => {
    const count = await rowCount();
    await expect(scheduled(createScheduledController({ scheduledTime: Date.now() }), { ...env, FEEDBACK_RETENTION_DAYS: '0' })).rejects.toThrow(/FEEDBACK_RETENTION_DAYS .*≥ 1, got "0"/);
    expect(await rowCount()).toBe(count);
  });
});

describe('bad input is refused as before', () => {
  it.each([
    ['a label that is not a digit', { pixels: drawing(), label: 10 }, /label must be a digit 0\.\.9 \(got 10\)/],
    ['a fractional label', { pixels: drawing(), label: 2.5 }, /label must be a digit/],
    ['no label', { pixels: drawing() }, /label is required/],
    ['783 pixels', { pixels: drawing().slice(1), label: 3 }, /pixels must have 784 values, got 783/],
    ['a pixel above 255', { pixels: drawing().map((v) => (v === 255 ? 300 : v)), label: 3 }, /= 300 is outside 0\.\.255/],
    ['a bad predicted digit', { pixels: drawing(), label: 3, predicted: -1 }, /predicted must be a digit/],
    ['a model version that is not one', { pixels: drawing(), label: 3, modelVersion: 'latest' }, /modelVersion must be 16 hex digits/],
    ['an unknown field', { pixels: drawing(), label: 3, ip: '1.2.3.4' }, /unknown field "ip"/],
  ])('answers 400 invalid_input for %s, naming the field', async (_, body, message) => {
    expect(await expectError(await postJson('/feedback', body), 400, 'invalid_input')).toMatch(message);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    await expectError(await postJson('/feedback', '{"label": 3,'), 400, 'invalid_json');
  });

  it('answers 422 no_digit for a blank image, and stores nothing', async () => {
    const before = await rowCount();
    expect(await expectError(await postJson('/feedback', { pixels: new Array(D).fill(0), label: 0 }), 422, 'no_digit')).toMatch(/every pixel is 0/);
    expect(await rowCount()).toBe(before);
  });

  it('answers 415 for other content types and 413 past the size limit', async () => {
    await expectError(await call('/feedback', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'label=3' }), 415, 'unsupported_media_type');
    const padded = JSON.stringify({ pixels: drawing(), label: 3 }).replace('{', '{' + ' '.repeat(FEEDBACK_LIMIT));
    await expectError(await postJson('/feedback', padded), 413, 'body_too_large');
  });

  it('answers 405 with Allow for GET', async () => {
    const res = await call('/feedback');
    expect(res.headers.get('allow')).toContain('POST');
    await expectError(res, 405, 'method_not_allowed');
  });

  it('never answers a 5xx, whatever JSON is sent', async () => {
    const nearValid = fc.record(
      { pixels: fc.array(fc.oneof(fc.integer({ min: -1, max: 256 }), fc.double(), fc.constantFrom<unknown>(null, '1', [])), { minLength: D - 1, maxLength: D + 1 }), label: fc.anything(), predicted: fc.anything(), modelVersion: fc.anything() },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), nearValid), async (value) => {
        const res = await postJson('/feedback', JSON.stringify(value) ?? 'null');
        const text = await res.text();
        expect(res.status, `${JSON.stringify(value)?.slice(0, 200)} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the per-address rate limit', () => {
  it('has a budget of its own: 10 posts a minute per address (an IPv6 /48: hopping /64s does not help), counted whether they are valid or not', async () => {
    // miniflare counts in wall-clock minutes: start where 11 requests end inside one of them
    await awayFromBoundary(60 * 1000, 10);
    // a /48 of this run's own, so no other test or earlier run has used its budget; a new /64 in it for every request
    const [a, b] = crypto.getRandomValues(new Uint16Array(2));
    const ip = `2001:db8:${a.toString(16)}:${b.toString(16)}::99`;
    const from = (i = 0) => postJson('/feedback', {}, { 'CF-Connecting-IP': `2001:db8:${a.toString(16)}:${((b + i) & 0xffff).toString(16)}::99` });
    for (let i = 0; i < 10; i++) expect((await from(i)).status, `request ${i + 1}`).toBe(400);
    const res = await from(10);
    expect(res.headers.get('retry-after')).toBe('60');
    await expectError(res, 429, 'rate_limited');
    // classification from the same address draws on the other budget
    const classify = await postJson('/classify', { pixels: drawing() }, { 'CF-Connecting-IP': ip });
    expect(classify.status).not.toBe(429);
  });
});

describe('without a usable database', () => {
  it('answers 503 feedback_unavailable when the deployment has no FEEDBACK_DB binding', async () => {
    expect(await expectError(await appWith({ FEEDBACK_DB: undefined })({ pixels: drawing(), label: 1 }), 503, 'feedback_unavailable')).toMatch(/FEEDBACK_DB/);
  });

  it('says how to make the table when the migrations were not applied', async () => {
    const fail = () => Promise.reject(new Error('D1_ERROR: no such table: feedback: SQLITE_ERROR'));
    const noTable = { prepare: () => ({ bind: () => ({ first: fail }) }), batch: fail };
    const message = await expectError(await appWith({ FEEDBACK_DB: noTable })({ pixels: drawing(), label: 1 }), 503, 'feedback_unavailable');
    expect(message).toMatch(/wrangler d1 migrations apply mnist-feedback/);
  });

  it('answers 503 with Retry-After when writing fails', async () => {
    const fail = () => Promise.reject(new Error('D1_ERROR: Network connection lost.'));
    const failing = { prepare: () => ({ bind: () => ({ first: fail }) }), batch: fail };
    const res = await appWith({ FEEDBACK_DB: failing })({ pixels: drawing(), label: 1 });
    expect(res.headers.get('retry-after')).toBe('60');
    await expectError(res, 503, 'feedback_unavailable');
  });
});

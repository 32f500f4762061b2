// the feedback table in D1 (migrations/): a correction is stored once, and not at all when it is a
// near-duplicate of one stored today; within the day's cap for all senders together, for its label and
// for its sender; and deleted after the retention period.

import { distance, inkOf, NEAR_DISTANCE } from './near-duplicate';

export interface FeedbackSettings {
  /** corrections stored per UTC day, all senders together */
  dailyCap: number;
  /** of those, from one sender (an IPv4 address or an IPv6 /48), near-duplicates answered included */
  sourceDailyCap: number;
  /** of those, with one label */
  labelDailyCap: number;
  /** days a correction is kept */
  retentionDays: number;
}

export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = { dailyCap: 1000, sourceDailyCap: 100, labelDailyCap: 300, retentionDays: 90 };

const DAY_MS = 24 * 60 * 60 * 1000;

type SettingVars = {
  FEEDBACK_DAILY_CAP?: string;
  FEEDBACK_SOURCE_DAILY_CAP?: string;
  FEEDBACK_LABEL_DAILY_CAP?: string;
  FEEDBACK_RETENTION_DAYS?: string;
};

/** the [vars] of wrangler.toml; a value that is not a whole number is a problem to report, not a guess */
export function feedbackSettings(vars: SettingVars): FeedbackSettings | { problem: string } {
  const whole = (name: keyof SettingVars, fallback: number, min: number): number | string => {
    const value = vars[name];
    if (value === undefined || value.trim() === '') return fallback;
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= min ? n : `${name} in wrangler.toml [vars] must be a whole number ≥ ${min}, got "${value}"`;
  };
  const d = DEFAULT_FEEDBACK_SETTINGS;
  const settings = {
    dailyCap: whole('FEEDBACK_DAILY_CAP', d.dailyCap, 0),
    sourceDailyCap: whole('FEEDBACK_SOURCE_DAILY_CAP', d.sourceDailyCap, 0),
    labelDailyCap: whole('FEEDBACK_LABEL_DAILY_CAP', d.labelDailyCap, 0),
    retentionDays: whole('FEEDBACK_RETENTION_DAYS', d.retentionDays, 1),
  };
  for (const v of Object.values(settings)) if (typeof v === 'string') return { problem: v };
  return settings as FeedbackSettings;
}

export interface NewFeedback {
  id: string; // shared/feedback.ts feedbackId(pixels)
  pixels: Uint8Array; // (D)
  label: number;
  predicted: number | null;
  modelVersion: string | null;
  createdAt: Date;
  /** the sender's pseudonym for the day (worker/feedback-source.ts); null: no sender to count */
  source: string | null;
  /** worker/near-duplicate.ts signature(pixels) */
  signature: Uint8Array;
}

/** the quota that is full: the sender's, the label's, or everyone's */
export type Quota = 'source' | 'label' | 'everyone';

export type StoreResult =
  | { kind: 'stored'; id: string }
  /** the same drawing (near: one close to it, stored today) was stored before: nothing written, its id and first label */
  | { kind: 'duplicate'; id: string; label: number; near: boolean }
  /** a quota of today's is reached: nothing written */
  | { kind: 'full'; quota: Quota; retryAfterSeconds: number };

/** seconds from `now` to the next 00:00 UTC, when a new day's cap starts */
export function secondsToNextUtcDay(now: Date): number {
  return Math.max(1, Math.ceil((DAY_MS - (now.getTime() % DAY_MS)) / 1000));
}

/** ?1 day, ?2 label, ?3 source: the three counts of the day the quotas compare with */
const COUNTS = `SELECT
  coalesce((SELECT stored FROM feedback_days WHERE day = ?1), 0) AS everyone,
  coalesce((SELECT stored FROM feedback_label_days WHERE day = ?1 AND label = ?2), 0) AS label,
  coalesce((SELECT used FROM feedback_source_days WHERE day = ?1 AND source = ?3), 0) AS source`;

type Counts = { everyone: number; label: number; source: number };

/** the day's corrections whose ink is within NEAR_DISTANCE of ?2: read through the index feedback_day_ink */
export const CANDIDATES = 'SELECT hash, label, signature FROM feedback WHERE substr(created_at, 1, 10) = ?1 AND ink BETWEEN ?2 AND ?3';

// one statement: the quota checks and the insert cannot interleave with another request's. reads the
// three counters and the key; writes the row, its index entry and, through the triggers, the counters.
const INSERT = `INSERT INTO feedback (hash, pixels, label, predicted, model_version, created_at, source, signature, ink)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
  WHERE coalesce((SELECT stored FROM feedback_days WHERE day = ?10), 0) < ?11
    AND coalesce((SELECT stored FROM feedback_label_days WHERE day = ?10 AND label = ?3), 0) < ?12
    AND (?7 IS NULL OR coalesce((SELECT used FROM feedback_source_days WHERE day = ?10 AND source = ?7), 0) < ?13)
  ON CONFLICT (hash) DO NOTHING
  RETURNING hash`;

const SPEND_SOURCE = `INSERT INTO feedback_source_days (day, source, used) VALUES (?1, ?2, 1)
  ON CONFLICT (day, source) DO UPDATE SET used = used + 1`;

/** the most specific quota that is full, or null */
function fullQuota(counts: Counts, fb: NewFeedback, s: FeedbackSettings): Quota | null {
  if (fb.source !== null && counts.source >= s.sourceDailyCap) return 'source';
  if (counts.label >= s.labelDailyCap) return 'label';
  if (counts.everyone >= s.dailyCap) return 'everyone';
  return null;
}

const bytes = (blob: ArrayBuffer | number[] | null): Uint8Array | null =>
  blob === null ? null : blob instanceof ArrayBuffer ? new Uint8Array(blob) : Uint8Array.from(blob);

/**
 * stores a correction unless it is one already stored (the same pixels, ever; or a near-duplicate of
 * one stored today) or a quota of today's is full. the same pixels are answered as a duplicate even
 * when a quota is full; a near-duplicate counts against its sender's quota, since it cost a search.
 */
export async function storeFeedback(db: D1Database, fb: NewFeedback, settings: FeedbackSettings): Promise<StoreResult> {
  const createdAt = fb.createdAt.toISOString();
  const day = createdAt.slice(0, 10);
  const full = (quota: Quota): StoreResult => ({ kind: 'full', quota, retryAfterSeconds: secondsToNextUtcDay(fb.createdAt) });
  const ink = inkOf(fb.signature);
  const [exact, counts, candidates] = await db.batch<Record<string, unknown>>([
    db.prepare('SELECT label FROM feedback WHERE hash = ?1').bind(fb.id),
    db.prepare(COUNTS).bind(day, fb.label, fb.source),
    db.prepare(CANDIDATES).bind(day, ink - NEAR_DISTANCE, ink + NEAR_DISTANCE),
  ]);
  const same = exact.results[0] as { label: number } | undefined;
  if (same) return { kind: 'duplicate', id: fb.id, label: same.label, near: false };
  const quota = fullQuota(counts.results[0] as Counts, fb, settings);
  if (quota) return full(quota);
  for (const row of candidates.results as { hash: string; label: number; signature: ArrayBuffer | number[] | null }[]) {
    const sig = bytes(row.signature);
    if (sig && distance(sig, fb.signature, NEAR_DISTANCE) <= NEAR_DISTANCE) {
      if (fb.source !== null) await db.prepare(SPEND_SOURCE).bind(day, fb.source).run();
      return { kind: 'duplicate', id: row.hash, label: row.label, near: true };
    }
  }
  const inserted = await db
    .prepare(INSERT)
    .bind(fb.id, fb.pixels, fb.label, fb.predicted, fb.modelVersion, createdAt, fb.source, fb.signature, ink, day, settings.dailyCap, settings.labelDailyCap, settings.sourceDailyCap)
    .first<{ hash: string }>();
  if (inserted) return { kind: 'stored', id: fb.id };
  // nothing inserted: another request stored the same drawing, or filled a quota, since the reads above
  const [again, countsNow] = await db.batch<Record<string, unknown>>([db.prepare('SELECT label FROM feedback WHERE hash = ?1').bind(fb.id), db.prepare(COUNTS).bind(day, fb.label, fb.source)]);
  const stored = again.results[0] as { label: number } | undefined;
  if (stored) return { kind: 'duplicate', id: fb.id, label: stored.label, near: false };
  return full(fullQuota(countsNow.results[0] as Counts, fb, settings) ?? 'everyone');
}

/**
 * deletes corrections older than `retentionDays` before `now`, the day and label counters of days
 * wholly before that, and the senders' counters of days before yesterday. the feedback_day_ink index
 * starts with the day but not the time, so this scans the table once: at most dailyCap × retentionDays
 * rows read, once a day.
 */
export async function deleteExpired(db: D1Database, now: Date, retentionDays: number): Promise<{ deleted: number; cutoff: string }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  const yesterday = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
  const [rows] = await db.batch([
    db.prepare('DELETE FROM feedback WHERE created_at < ?1').bind(cutoff),
    db.prepare('DELETE FROM feedback_days WHERE day < ?1').bind(cutoff.slice(0, 10)),
    db.prepare('DELETE FROM feedback_label_days WHERE day < ?1').bind(cutoff.slice(0, 10)),
    // a sender's count only matters on its day: kept no longer than needed
    db.prepare('DELETE FROM feedback_source_days WHERE day < ?1').bind(yesterday),
  ]);
  return { deleted: rows.meta.changes, cutoff };
}

// the feedback table in D1 (migrations/0001_feedback.sql): a correction is stored once, within the
// day's cap for all senders together, and deleted after the retention period.

export interface FeedbackSettings {
  /** corrections stored per UTC day, all senders together */
  dailyCap: number;
  /** days a correction is kept */
  retentionDays: number;
}

export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = { dailyCap: 1000, retentionDays: 90 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** the [vars] FEEDBACK_DAILY_CAP and FEEDBACK_RETENTION_DAYS; a value that is not a whole number is a problem to report, not a guess */
export function feedbackSettings(vars: { FEEDBACK_DAILY_CAP?: string; FEEDBACK_RETENTION_DAYS?: string }): FeedbackSettings | { problem: string } {
  const whole = (name: string, value: string | undefined, fallback: number, min: number): number | string => {
    if (value === undefined || value.trim() === '') return fallback;
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= min ? n : `${name} in wrangler.toml [vars] must be a whole number ≥ ${min}, got "${value}"`;
  };
  const dailyCap = whole('FEEDBACK_DAILY_CAP', vars.FEEDBACK_DAILY_CAP, DEFAULT_FEEDBACK_SETTINGS.dailyCap, 0);
  const retentionDays = whole('FEEDBACK_RETENTION_DAYS', vars.FEEDBACK_RETENTION_DAYS, DEFAULT_FEEDBACK_SETTINGS.retentionDays, 1);
  if (typeof dailyCap === 'string') return { problem: dailyCap };
  if (typeof retentionDays === 'string') return { problem: retentionDays };
  return { dailyCap, retentionDays };
}

export interface NewFeedback {
  id: string; // shared/feedback.ts feedbackId(pixels)
  pixels: Uint8Array; // (D)
  label: number;
  predicted: number | null;
  modelVersion: string | null;
  createdAt: Date;
}

export type StoreResult =
  | { kind: 'stored'; id: string }
  /** the same pixels were stored before: nothing written, the first label kept */
  | { kind: 'duplicate'; id: string; label: number }
  /** today's cap is reached: nothing written */
  | { kind: 'full'; retryAfterSeconds: number };

/** seconds from `now` to the next 00:00 UTC, when a new day's cap starts */
export function secondsToNextUtcDay(now: Date): number {
  return Math.max(1, Math.ceil((DAY_MS - (now.getTime() % DAY_MS)) / 1000));
}

// one statement: the cap check, the duplicate check and the insert cannot interleave with another request's.
// reads the day's counter (1 row) and the key; writes the row and, through the trigger, the counter.
const INSERT = `INSERT INTO feedback (hash, pixels, label, predicted, model_version, created_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE coalesce((SELECT stored FROM feedback_days WHERE day = ?7), 0) < ?8
  ON CONFLICT (hash) DO NOTHING
  RETURNING hash`;

export async function storeFeedback(db: D1Database, fb: NewFeedback, dailyCap: number): Promise<StoreResult> {
  const createdAt = fb.createdAt.toISOString();
  const inserted = await db
    .prepare(INSERT)
    .bind(fb.id, fb.pixels, fb.label, fb.predicted, fb.modelVersion, createdAt, createdAt.slice(0, 10), dailyCap)
    .first<{ hash: string }>();
  if (inserted) return { kind: 'stored', id: fb.id };
  // nothing inserted: either the drawing is there already, or the day is full
  const existing = await db.prepare('SELECT label FROM feedback WHERE hash = ?1').bind(fb.id).first<{ label: number }>();
  if (existing) return { kind: 'duplicate', id: fb.id, label: existing.label };
  return { kind: 'full', retryAfterSeconds: secondsToNextUtcDay(fb.createdAt) };
}

/**
 * deletes corrections older than `retentionDays` before `now`, and the day counters of days wholly
 * before that. created_at has no index (it would cost a row written per insert), so this scans the
 * table once: at most dailyCap × retentionDays rows read, once a day.
 */
export async function deleteExpired(db: D1Database, now: Date, retentionDays: number): Promise<{ deleted: number; cutoff: string }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  const [rows] = await db.batch([
    db.prepare('DELETE FROM feedback WHERE created_at < ?1').bind(cutoff),
    db.prepare('DELETE FROM feedback_days WHERE day < ?1').bind(cutoff.slice(0, 10)),
  ]);
  return { deleted: rows.meta.changes, cutoff };
}

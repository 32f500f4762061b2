// one stored correction ("this drawing is a 4") in the FEEDBACK KV namespace, shared by the worker
// that writes it and scripts/feedback-export.ts that reads it back. versioned like every format we write.
//   key:   feedback/<YYYY-MM-DD>/<24 hex random>   (the date is the UTC day it was sent)
//   value: FeedbackRecord as JSON
// nothing about the sender is kept: no IP, no user agent, no cookie.

import { D, K, PIXEL_MAX } from './dims';

export const FEEDBACK_PREFIX = 'feedback/';
export const FEEDBACK_FORMAT = 1;

export interface FeedbackRecord {
  format: typeof FEEDBACK_FORMAT;
  /** (D) whole numbers 0..255, ink bright on black: the 28×28 image the model saw */
  pixels: number[];
  /** the digit the person says it is */
  label: number;
  /** what the model answered, when the client said */
  predicted: number | null;
  modelVersion: string | null;
  createdAt: string; // ISO date
}

/** listed with each key, so counting corrections by digit needs no value reads */
export interface FeedbackKeyMetadata {
  label: number;
  predicted: number | null;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function feedbackKey(now: Date, random: Uint8Array = crypto.getRandomValues(new Uint8Array(12))): string {
  return `${FEEDBACK_PREFIX}${now.toISOString().slice(0, 10)}/${hex(random)}`;
}

export const FEEDBACK_KEY_PATTERN = /^feedback\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{24}$/;

/** a stored value back to a record; null with the reason when it is not one we wrote */
export function parseFeedbackRecord(value: unknown): { record: FeedbackRecord } | { problem: string } {
  const r = value as Partial<FeedbackRecord> | null;
  if (typeof r !== 'object' || r === null) return { problem: 'not a JSON object' };
  if (r.format !== FEEDBACK_FORMAT) return { problem: `format ${String(r.format)} is not ${FEEDBACK_FORMAT}; update this checkout` };
  if (!Array.isArray(r.pixels) || r.pixels.length !== D) return { problem: `pixels must be ${D} values` };
  const bad = r.pixels.findIndex((v) => !Number.isInteger(v) || v < 0 || v > PIXEL_MAX);
  if (bad >= 0) return { problem: `pixels[${bad}] = ${String(r.pixels[bad])} is not a whole number 0..${PIXEL_MAX}` };
  if (!Number.isInteger(r.label) || r.label! < 0 || r.label! >= K) return { problem: `label ${String(r.label)} is not a digit` };
  return {
    record: {
      format: FEEDBACK_FORMAT,
      pixels: r.pixels,
      label: r.label!,
      predicted: Number.isInteger(r.predicted) ? r.predicted! : null,
      modelVersion: typeof r.modelVersion === 'string' ? r.modelVersion : null,
      createdAt: String(r.createdAt ?? ''),
    },
  };
}

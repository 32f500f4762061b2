// one stored correction ("this drawing is a 4"): the id the worker gives it in the feedback table
// (D1, migrations/0001_feedback.sql) and the example line npm run feedback:export writes for
// npm run train -- --extra. of the sender only a pseudonym of its network for that UTC day is kept
// (worker/feedback-source.ts), never in the example lines: no IP, no user agent, no cookie.

import { sha256Hex } from './checksum';
import { D, K } from './dims';

/** hex digits of SHA-256 kept as the id: 128 bits, so two different drawings never share one in practice */
const ID_HEX_DIGITS = 32;
export const FEEDBACK_ID_PATTERN = /^[0-9a-f]{32}$/;

/** the id of a drawing: the same pixels always get the same id, which is how duplicates are found */
export async function feedbackId(pixels: Uint8Array): Promise<string> {
  return (await sha256Hex(pixels)).slice(0, ID_HEX_DIGITS);
}

/** one line of feedback.jsonl (what npm run train -- --extra reads) */
export interface FeedbackExample {
  id: string;
  /** the digit the person says it is */
  label: number;
  /** what the model answered, when the client said */
  predicted: number | null;
  modelVersion: string | null;
  createdAt: string; // ISO date
  /** (D) whole numbers 0..255, ink bright on black: the 28×28 image the model saw */
  pixels: number[];
}

/** a row as the export selects it: SELECT hash, hex(pixels) AS pixels_hex, label, predicted, model_version, created_at, source */
export interface FeedbackRow {
  hash: string;
  pixels_hex: string;
  label: number;
  predicted: number | null;
  model_version: string | null;
  created_at: string;
  /** the sender's pseudonym for that UTC day (migrations/0002_quotas.sql); null or absent: none recorded */
  source?: string | null;
}

const isDigit = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < K;

/** a selected row back to an example; the reason when it is not one the worker wrote */
export function exampleFromRow(row: FeedbackRow): { example: FeedbackExample } | { problem: string } {
  if (typeof row.pixels_hex !== 'string' || !/^[0-9a-fA-F]*$/.test(row.pixels_hex) || row.pixels_hex.length !== 2 * D) {
    return { problem: `pixels must be ${D} bytes, got ${typeof row.pixels_hex === 'string' ? row.pixels_hex.length / 2 : String(row.pixels_hex)}` };
  }
  if (!isDigit(row.label)) return { problem: `label ${String(row.label)} is not a digit` };
  const pixels = new Array<number>(D);
  for (let i = 0; i < D; i++) pixels[i] = parseInt(row.pixels_hex.slice(2 * i, 2 * i + 2), 16); // two hex digits: 0..255 by construction
  return {
    example: {
      id: String(row.hash),
      label: row.label,
      predicted: isDigit(row.predicted) ? row.predicted : null,
      modelVersion: typeof row.model_version === 'string' ? row.model_version : null,
      createdAt: String(row.created_at ?? ''),
      pixels,
    },
  };
}

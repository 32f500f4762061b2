import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { D, K, PIXEL_MAX } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import type { Split } from './mnist';

// extra labelled 28×28 images for the training set (npm run train -- --extra DIR): the JSON-lines
// files that npm run feedback:export writes. one JSON object per line, at least
//   {"label": 4, "pixels": [784 whole numbers 0..255, row-major, ink bright on black]}
// (the export adds id, predicted, modelVersion and createdAt). lines with the same "id" count once.
// they only ever join the training images: the 10,000 MNIST test images stay the test set, and
// capExtra keeps each label's share small, so a few senders cannot steer the next model.

export const EXTRA_FILE = 'feedback.jsonl';

export class ExtraDataError extends Error {}

/** the .jsonl files of a folder (sorted, so the order and the trained weights are reproducible), or the one file given */
function files(path: string): string[] {
  if (!existsSync(path)) throw new ExtraDataError(`--extra ${path} does not exist; run npm run feedback:export first (it writes ${join('data/feedback', EXTRA_FILE)})`);
  if (!statSync(path).isDirectory()) return [path];
  const found = readdirSync(path).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(path, f));
  if (found.length === 0) throw new ExtraDataError(`--extra ${path} holds no .jsonl files; run npm run feedback:export -- --out ${path}`);
  return found;
}

function parseLine(line: string, where: string): { id: string | null; label: number; pixels: number[] } {
  let v: { id?: unknown; label?: unknown; pixels?: unknown };
  try {
    v = JSON.parse(line);
  } catch {
    throw new ExtraDataError(`${where}: not valid JSON`);
  }
  const { label, pixels } = v;
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= K) throw new ExtraDataError(`${where}: "label" must be a digit 0..${K - 1}, got ${JSON.stringify(label)}`);
  if (!Array.isArray(pixels) || pixels.length !== D) throw new ExtraDataError(`${where}: "pixels" must be an array of ${D} values`);
  const bad = pixels.findIndex((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > PIXEL_MAX);
  if (bad >= 0) throw new ExtraDataError(`${where}: pixels[${bad}] = ${JSON.stringify(pixels[bad])} is not a whole number 0..${PIXEL_MAX}`);
  return { id: typeof v.id === 'string' ? v.id : null, label, pixels };
}

/** every example under `path` (a folder of .jsonl files, or one file) as a training split */
export function loadExtra(path: string): Split & { files: string[] } {
  const list = files(path);
  const seen = new Set<string>();
  const examples: { label: number; pixels: number[] }[] = [];
  for (const file of list) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const ex = parseLine(line, `${file}:${i + 1}`);
      if (ex.id !== null) {
        if (seen.has(ex.id)) return;
        seen.add(ex.id);
      }
      examples.push(ex);
    });
  }
  const images = new Uint8Array(examples.length * D); // (count, D)
  const labels = new Uint8Array(examples.length); // (count)
  examples.forEach((ex, i) => {
    images.set(ex.pixels, i * D);
    labels[i] = ex.label;
  });
  return { count: examples.length, images, labels, files: list };
}

/** --extra-max-share: at most 2% of a label's MNIST training images (108 to 134 for the full set) come from --extra */
export const DEFAULT_EXTRA_MAX_SHARE = 0.02;

export interface CappedExtra {
  split: Split;
  /** (K) per label: the most allowed, kept and dropped */
  limit: number[];
  kept: number[];
  dropped: number[];
}

/**
 * at most floor(maxShare × that label's count in baseLabels) extra images per label. where a label has
 * more, a sample drawn with `seed` is kept (the same seed keeps the same ones), in their original order:
 * every sender's images have the same chance, whenever they were sent.
 */
export function capExtra(extra: Split, baseLabels: Uint8Array, maxShare: number, seed: number): CappedExtra {
  const base = new Array<number>(K).fill(0);
  baseLabels.forEach((label) => base[label]++);
  const limit = base.map((n) => Math.floor(maxShare * n));
  const byLabel = Array.from({ length: K }, () => [] as number[]);
  extra.labels.forEach((label, i) => byLabel[label].push(i));

  const rng = createRng(seed);
  const keep = new Uint8Array(extra.count); // 1 = kept
  byLabel.forEach((indices, label) => {
    if (indices.length > limit[label]) rng.shuffle(indices);
    for (const i of indices.slice(0, limit[label])) keep[i] = 1;
  });
  const kept = byLabel.map((indices, label) => Math.min(indices.length, limit[label]));
  const dropped = byLabel.map((indices, label) => indices.length - kept[label]);

  const count = kept.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(count * D); // (count, D)
  const labels = new Uint8Array(count); // (count)
  for (let i = 0, o = 0; i < extra.count; i++) {
    if (!keep[i]) continue;
    images.set(extra.images.subarray(i * D, (i + 1) * D), o * D);
    labels[o++] = extra.labels[i];
  }
  return { split: { count, images, labels }, limit, kept, dropped };
}

/** for the training log: how many were kept and dropped, per label */
export function describeCap(c: CappedExtra, maxShare: number): string {
  const total = (a: number[]) => a.reduce((s, n) => s + n, 0);
  const perLabel = c.kept.map((k, label) => `${label}: ${k}${c.dropped[label] ? ` (${c.dropped[label]} dropped)` : ''}`).join(', ');
  return (
    `  kept ${total(c.kept)} of ${total(c.kept) + total(c.dropped)}: at most ${Number((maxShare * 100).toFixed(4))}% of each label's training images ` +
    `(--extra-max-share ${maxShare}), ${Math.min(...c.limit)} to ${Math.max(...c.limit)} a label here\n  by label: ${perLabel}`
  );
}

/** the training images followed by the extra ones */
export function appendSplit(base: { images: Uint8Array; labels: Uint8Array }, extra: Split | null | undefined): { images: Uint8Array; labels: Uint8Array } {
  if (!extra || extra.count === 0) return base;
  const n = base.labels.length;
  const images = new Uint8Array((n + extra.count) * D);
  images.set(base.images.subarray(0, n * D));
  images.set(extra.images, n * D);
  const labels = new Uint8Array(n + extra.count);
  labels.set(base.labels.subarray(0, n));
  labels.set(extra.labels, n);
  return { images, labels };
}

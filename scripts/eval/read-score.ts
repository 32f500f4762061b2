// scores reading numbers (shared/model/read.ts, what POST /read runs) on the number sets: exact
// match and per-digit accuracy by length and by gap, beside the single-digit accuracy of the same
// digits each read alone (preprocessImage, what POST /classify runs).
import { deflateSync } from 'node:zlib';
import type { DecodedImage } from '../../shared/image/decoded';
import { ImageError } from '../../shared/image/decoded';
import { reduction } from '../../shared/image/jpeg/jpeg';
import { preprocessImage } from '../../shared/image/preprocess';
import type { Predictor } from '../../shared/model/predict';
import type { LineReader } from '../../shared/model/line-reader';
import { readPicture, READ_SIDE } from '../../shared/model/read';
import { decodeColumns } from '../../shared/model/read-cost';
import { LIMITS } from '../../shared/limits';
import { GAPS, generateNumberSet, NUMBER_RECIPES, type NumberItem, type NumberSet } from './numbers';
import type { Sources } from './set';

/** the longest common subsequence of two digit strings: the digits read right, in order */
export function digitsRight(truth: string, read: string): number {
  const m = truth.length, n = read.length;
  const row = new Array(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    let diag = 0;
    for (let j = 1; j <= n; j++) {
      const up = row[j];
      row[j] = truth[i - 1] === read[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[n];
}

export interface ItemResult {
  item: NumberItem;
  read: string | null; // null when refused (a 422)
  uncertain: boolean;
  error: string | null;
}

/** what reads touching digits besides the cuts: the line reader (null: none) and its budget (shared/limits.ts readLineColumns, readLinePhases) */
export interface LineReading {
  lineReader: LineReader | null;
  lineColumns?: number;
  linePhases?: number;
}

/**
 * what decoding a picture would spend of the reading budget (shared/model/read-cost.ts): the scorers read
 * decoded pictures, and charge each what the Worker would have, sent scaled to fit the plan's imageSide
 * as the dearer of a PNG (8-bit gray, or RGBA when it has alpha: a canvas; its bytes deflated here, as
 * an encoder would within a few per cent) and a JPEG (most photos are sent so) of 0.3 bytes a pixel,
 * more than the test photos' 0.24–0.28 at quality 90
 */
export function sentCharge(image: DecodedImage, imageSide = LIMITS.free.imageSide): number {
  const scale = Math.min(1, imageSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale)), height = Math.max(1, Math.round(image.height * scale));
  const sentPixels = width * height;
  const channels = image.alpha ? 4 : 1;
  const samples = new Uint8Array(sentPixels * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = Math.min(image.height - 1, Math.floor(y / scale)) * image.width + Math.min(image.width - 1, Math.floor(x / scale));
      const g = Math.round(image.gray[i]);
      if (image.alpha) samples.set([g, g, g, Math.round(255 * image.alpha[i])], (y * width + x) * 4);
      else samples[y * width + x] = g;
    }
  }
  const box = Math.ceil(Math.max(width, height) / READ_SIDE); // decodePngReduced's whole boxes
  const png = decodeColumns({ format: 'png', bytes: deflateSync(samples).length, sentPixels, dataBytes: samples.length, decodedPixels: Math.ceil(width / box) * Math.ceil(height / box) });
  const { S, factor } = reduction(Math.max(width, height), READ_SIDE); // as decodeJpegReduced reduces it
  const decoded = (side: number) => Math.ceil(Math.ceil((side * S) / 8) / factor);
  const jpeg = decodeColumns({ format: 'jpeg', bytes: 0.3 * sentPixels, sentPixels, dataBytes: 0, decodedPixels: decoded(width) * decoded(height) });
  return Math.max(png, jpeg);
}

/** the number in a picture as POST /read reads it: with the line reader it bundles, or without one (null) */
export function readNumberText(image: DecodedImage, predictor: Predictor, line: LineReading = { lineReader: null }): { text: string | null; uncertain: boolean; error: string | null } {
  try {
    const r = readPicture(image, { predictPacked: (pixels, B) => predictor.predictPacked(pixels, B), decodeColumns: sentCharge(image), ...line });
    return { text: r.text, uncertain: r.uncertain, error: null };
  } catch (e) {
    if (e instanceof ImageError) return { text: null, uncertain: true, error: e.code };
    throw e;
  }
}

export interface Tally {
  numbers: number;
  exact: number;
  digits: number;
  digitsRight: number;
  singlesRight: number;
  /** exact matches among the numbers not flagged uncertain, and how many were not flagged */
  confident: number;
  confidentExact: number;
}

const emptyTally = (): Tally => ({ numbers: 0, exact: 0, digits: 0, digitsRight: 0, singlesRight: 0, confident: 0, confidentExact: 0 });

export interface SetTally {
  name: string;
  all: Tally;
  byLength: Map<number, Tally>;
  byGap: Map<string, Tally>;
}

/** reads every number of a set and each of its digits alone */
export function scoreNumberSet(set: NumberSet, predictor: Predictor, read = readNumberText, singles = true, line: LineReading = { lineReader: null }): { tally: SetTally; results: ItemResult[] } {
  const tally: SetTally = { name: set.name, all: emptyTally(), byLength: new Map(), byGap: new Map() };
  const results: ItemResult[] = [];
  for (const item of set.items) {
    const r = read(item.image, predictor, line);
    let singlesRight = 0;
    for (let k = 0; singles && k < item.singles.length; k++) {
      try {
        const [p] = predictor.predictPacked(preprocessImage(item.singles[k]), 1);
        if (String(p.digit) === item.text[k]) singlesRight++;
      } catch (e) {
        if (!(e instanceof ImageError)) throw e;
      }
    }
    const right = r.text === null ? 0 : digitsRight(item.text, r.text);
    const exact = r.text === item.text;
    const len = item.text.length;
    for (const t of [tally.all, at(tally.byLength, len), at(tally.byGap, item.gap)]) {
      t.numbers++;
      t.exact += exact ? 1 : 0;
      t.digits += len;
      t.digitsRight += right;
      t.singlesRight += singlesRight;
      if (!r.uncertain) {
        t.confident++;
        t.confidentExact += exact ? 1 : 0;
      }
    }
    results.push({ item, read: r.text, uncertain: r.uncertain, error: r.error });
  }
  return { tally, results };
}

function at<K>(m: Map<K, Tally>, k: K): Tally {
  let t = m.get(k);
  if (!t) m.set(k, (t = emptyTally()));
  return t;
}

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);

/** one line of the number tables: a set, all sets, a length or a gap */
export interface TallyRow {
  name: string;
  group: 'set' | 'all' | 'length' | 'gap';
  tally: Tally;
}

/** one row per set, one for all sets, then per length and per gap over all sets */
export function tallyRows(tallies: SetTally[]): TallyRow[] {
  const total = emptyTally();
  const byLength = new Map<number, Tally>();
  const byGap = new Map<string, Tally>();
  const add = (into: Tally, t: Tally) => {
    for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += t[k];
  };
  for (const s of tallies) {
    add(total, s.all);
    for (const [k, t] of s.byLength) add(at(byLength, k), t);
    for (const [k, t] of s.byGap) add(at(byGap, k), t);
  }
  const rows: TallyRow[] = [...tallies.map((s): TallyRow => ({ name: s.name, group: 'set', tally: s.all })), { name: 'all sets', group: 'all', tally: total }];
  for (const k of [...byLength.keys()].sort((a, b) => a - b)) rows.push({ name: `${k} digits`, group: 'length', tally: byLength.get(k)! });
  for (const g of GAPS) if (byGap.has(g)) rows.push({ name: `gap: ${g}`, group: 'gap', tally: byGap.get(g)! });
  return rows;
}

/** a row's figures as fractions (null for an empty denominator): what the tables and the report show */
export function rowFigures(t: Tally): { exact: number | null; perDigit: number | null; alone: number | null; notFlagged: number | null; exactNotFlagged: number | null } {
  const frac = (a: number, b: number) => (b === 0 ? null : a / b);
  return {
    exact: frac(t.exact, t.numbers), perDigit: frac(t.digitsRight, t.digits), alone: frac(t.singlesRight, t.digits),
    notFlagged: frac(t.confident, t.numbers), exactNotFlagged: frac(t.confidentExact, t.confident),
  };
}

/** the Markdown table of tallyRows */
export function formatTallies(tallies: SetTally[]): string {
  const head = '| numbers | n | exact match | per digit | same digits alone | not flagged uncertain | exact when not flagged |\n|---|---|---|---|---|---|---|';
  const row = ({ name, group, tally: t }: TallyRow) =>
    `| ${group === 'all' ? `**${name}**` : name} | ${t.numbers} | ${pct(t.exact, t.numbers)} | ${pct(t.digitsRight, t.digits)} | ${pct(t.singlesRight, t.digits)} | ${pct(t.confident, t.numbers)} | ${pct(t.confidentExact, t.confident)} |`;
  return [head, ...tallyRows(tallies).map(row)].join('\n');
}

/** every number set of NUMBER_RECIPES generated from `sources` and read by `predictor`: what read:score, robustness --numbers and the training report show */
export function scoreNumberSets(predictor: Predictor, sources: Sources, line: LineReading = { lineReader: null }): { tallies: SetTally[]; results: ItemResult[] } {
  const scored = NUMBER_RECIPES.map((recipe) => scoreNumberSet(generateNumberSet(recipe, sources), predictor, readNumberText, true, line));
  return { tallies: scored.map((s) => s.tally), results: scored.flatMap((s) => s.results) };
}

/** the headline target: 2–4-digit mnist-test numbers whose digits do not touch */
export function mnistShortApart(results: ItemResult[]): { n: number; exact: number } {
  const picked = results.filter((r) => r.item.mnistTest.length >= 2 && r.item.mnistTest.length <= 4 && r.item.gap !== 'touching');
  return { n: picked.length, exact: picked.filter((r) => r.read === r.item.text).length };
}

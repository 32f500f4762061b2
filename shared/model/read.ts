import { D } from '../dims';
import { ImageError, type DecodedImage } from '../image/decoded';
import { flattenLighting } from '../image/normalize';
import { inkBounds, inkMap, reduceImage, toMnist } from '../image/preprocess';
import { removeRulings } from '../image/rulings';
import { LIMITS } from '../limits';
import {
  boxHeight, boxWidth, checkOneLine, cutCandidates, cutPath, digitMarks, groupInk, joinParts, labelMarks, MAX_DIGITS, groupCrop, pieceInk, straightCut, valleyCuts, type GroupCrop, tooManyDigits, type Cut, type Group, type Labels, type Mark,
} from '../image/segment';
import { lineImage, LINE_ROWS, type LineImage } from '../image/line';
import { readLine, type LineReader, type LineReading } from './line-reader';
import { inkedCells, paddedWidth } from './line-frames';
import { columnsLeft, lineColumns } from './read-cost';
import type { Prediction, Predictor } from './predict';
import { MIN_CONFIDENCE, type DoubtReason } from './uncertainty';

// reading a number: the ink of the picture, its marks joined into digits and touching digits cut
// (shared/image/segment.ts), every candidate digit through one batched forward pass with the same
// 28×28 preprocessing (and the model's deskew) as a single digit, and the cuts chosen by what the
// classifier says of each side. the Worker's POST /read and the browser run this same code.

/**
 * pictures are box-averaged to at most this many pixels a side before reading: a digit in a line of
 * six on a 600×200 canvas keeps ~50 px of height, more than the 20 px it is fitted to, and labelling
 * and cutting cost stays small (bench:edge --only read).
 */
export const READ_SIDE = 256;
/** components of a number lighter than this share of the heaviest are specks (a "1" weighs ~30% of an "8") */
const READ_SPECK_FRACTION = 0.04;
/** most candidate digits put through the network for one picture: bounds the work of cutting */
export const MAX_CANDIDATES = 40;
/** inked pixels of all candidates' 28×28 inputs beyond which no more pieces are tried (an mnist digit has ~150) */
export const MAX_INPUT_INK = 8000;
/**
 * pixels of all candidates' crops (each is scanned for its box and fitted to 28×28) beyond which no
 * more pieces are tried: a line of digits on the 600×200 canvas reduces to 256×85, and its pieces
 * cover a few times that; noise of many wide marks would cover several times more
 */
export const MAX_CROP_AREA = 100000;
/** no candidate spans more than this share of its group's height (two digits, with room): wider ones are never the answer */
const MAX_SPAN = 1.6;

/**
 * a wide group's cuts: the cheapest valleys (valleyCuts: bent paths of least ink), one for every two
 * seeded columns, then the seeded columns' own bent cuts not near one, up to VALLEY_EXTRA more cuts
 * than the seeds; no two closer than CUT_SPACING of the group's height. dev set (scripts/dev/read-dev.ts
 * --count 150: 600 numbers of mnist TRAINING digits): touching 27.9% exact with straight cuts, 30.8% with these.
 */
const VALLEY_SHARE = 0.5;
const VALLEY_EXTRA = 3;
const CUT_SPACING = 0.12;

/** a candidate digit wider than this share of its group's height is penalised: it is probably two */
const WIDE_ASPECT = 1.2;
const WIDE_PENALTY = 6; // log-units per unit of aspect beyond WIDE_ASPECT
/** shorter than this share of its group's height, a piece is a stroke, not a digit */
const SHORT_PIECE = 0.5;
/** narrower than this it is a sliver a cut left behind */
const SLIVER_ASPECT = 0.08;
/**
 * each extra digit a cut makes costs this much (log-units): a cut must be clearly better than none.
 * a group barely wider than one digit is usually one wide digit (a 0, a 2), so cutting it costs more.
 * tuned on the dev lattices (scripts/dev/read-tune.ts; were 1, 4 and WIDE_ASPECT 1.1): dev exact
 * 67.7% → 70.2%, and on other dev numbers never tuned on (--salt 12345) 68.3% → 70.0%.
 */
const CUT_COST = 1.75;
const CUT_COST_NARROW = 2;
/** groups narrower than this share of their height pay CUT_COST_NARROW */
const NARROW_GROUP = 1.2;
/** two neighbouring groups this close (share of the taller's height) and together this narrow may be one digit, at this cost */
const MERGE_GAP = 0.15;
const MERGE_WIDTH = 1.0;
const MERGE_COST = 1.5;
/** a candidate the model itself finds not one digit costs this much */
const DOUBT_COST = 2;
/**
 * a cut whose reading beats every reading with another number of digits by less than this (log-units,
 * ×7.4) is a guess. dev numbers (scripts/dev/read-tune.ts's): log 4 left 51.9% unflagged, 93.5% of them
 * exact; 2 leaves 47.0%, 95.0% exact (touching ones read wrong and unflagged: 11 → 6)
 */
const GUESS_MARGIN = 2;

export const NUMBER_DOUBTS = ['uncertain_digit', 'ambiguous_split'] as const;
export type NumberDoubt = (typeof NUMBER_DOUBTS)[number];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DigitReading {
  digit: number;
  confidence: number;
  box: Box; // in the sent picture's pixels
  uncertain: boolean;
  reason: DoubtReason | null;
}

export interface NumberReading {
  text: string;
  digits: DigitReading[];
  uncertain: boolean; // when any digit is, or when cutting touching digits had to guess
  reason: NumberDoubt | null;
}

/** an ink map (0..255, ink bright) and how it maps onto the picture that was sent */
export interface InkPicture {
  ink: Float32Array;
  width: number;
  height: number;
  /** sent pixels per ink pixel along each axis (the whole-number reduction), and the sent size */
  factor: number;
  sentWidth: number;
  sentHeight: number;
}

const noDigit = (why: string) => new ImageError('no_digit', `no digit found in the image: ${why}`, 422);

/**
 * the ink of a decoded picture, as a single digit's is found (lighting flattened, paper and specks
 * dropped), at READ_SIDE. `factor` is how much the decoder already reduced it (decodePngReduced),
 * sentWidth × sentHeight the size that was sent.
 */
export function pictureInk(picture: DecodedImage, factor = 1, sentWidth = picture.width, sentHeight = picture.height): InkPicture {
  const img = reduceImage(picture, READ_SIDE);
  const more = img === picture ? 1 : Math.ceil(Math.max(picture.width, picture.height) / READ_SIDE);
  const ink = inkMap(flattenLighting(img));
  return { ink, width: img.width, height: img.height, factor: factor * more, sentWidth, sentHeight };
}

/** pixels already ink-bright on dark (JSON rows), reduced to READ_SIDE like a picture */
export function rawInk(pixels: Float32Array, width: number, height: number): InkPicture {
  const img = reduceImage({ width, height, gray: pixels, alpha: null }, READ_SIDE);
  const factor = img.width === width && img.height === height ? 1 : Math.ceil(Math.max(width, height) / READ_SIDE);
  return { ink: Float32Array.from(img.gray), width: img.width, height: img.height, factor, sentWidth: width, sentHeight: height };
}

/** where a candidate's ink comes from: its group's marks between two columns, or between two cut paths */
export interface PieceSpec {
  group: Group;
  from: number | Cut;
  to: number | Cut;
}

/** a candidate's crop of an ink map labelled by `labels` (the training pieces crop each digit's own ink this way) */
export function pieceCrop(ink: Float32Array, labels: Labels, { group, from, to }: PieceSpec, alone?: GroupCrop): { ink: Float32Array; width: number; height: number; left: number } {
  if (typeof from === 'number') return { ...groupInk(ink, labels, group, from, to as number), left: from };
  return pieceInk(alone ?? groupCrop(ink, labels, group), from, to as Cut);
}

export interface Candidate {
  from: number; // node of the line where it starts: a group's edge or a cut point
  to: number;
  /** what it costs before the classifier speaks: ending at a cut inside a group, or joining two groups */
  kind: 'plain' | 'cut' | 'merge';
  groupAspect: number; // its group's width / height: cutting a narrow group costs more
  box: Box; // in ink pixels
  aspect: number; // ink width / height of its group
  tall: number; // ink height / height of its group
  piece: PieceSpec;
  prediction?: Prediction;
  input: Float32Array; // (D) what the classifier saw
}

/** the bounds of the ink in a crop (offset by left, top), or null when it is empty */
function cropBox(ink: Float32Array, width: number, height: number, left: number, top: number): Box | null {
  const b = inkBounds(ink, width, height);
  return b && { x: left + b.left, y: top + b.top, width: b.width, height: b.height };
}

/** the weights of a reading's score, in log-units (tuned on the dev numbers' lattices: scripts/dev/read-tune.ts) */
export interface ScoreWeights {
  /** each extra digit a cut makes costs this: a cut must be clearly better than none */
  cutCost: number;
  /** a group narrower than narrowGroup of its height is usually one wide digit (a 0, a 2): cutting it costs this */
  cutCostNarrow: number;
  narrowGroup: number;
  mergeCost: number;
  /** a candidate wider than wideAspect of its group's height (probably two digits) costs widePenalty per unit beyond */
  wideAspect: number;
  widePenalty: number;
  /** a candidate the model itself finds not one digit, a sliver or a stroke costs this (a stroke twice) */
  doubtCost: number;
}

export const SCORE_WEIGHTS: ScoreWeights = {
  cutCost: CUT_COST, cutCostNarrow: CUT_COST_NARROW, narrowGroup: NARROW_GROUP, mergeCost: MERGE_COST, wideAspect: WIDE_ASPECT, widePenalty: WIDE_PENALTY, doubtCost: DOUBT_COST,
};

/** what a candidate adds to a reading's score: the log of its top probability, less what its shape costs */
export function score(c: Candidate, w: ScoreWeights = SCORE_WEIGHTS): number {
  const p = c.prediction!;
  const cost = c.kind === 'cut' ? (c.groupAspect < w.narrowGroup ? w.cutCostNarrow : w.cutCost) : c.kind === 'merge' ? w.mergeCost : 0;
  let s = Math.log(Math.max(p.confidence, 1e-9)) - cost;
  if (c.aspect > w.wideAspect) s -= w.widePenalty * (c.aspect - w.wideAspect);
  if (c.aspect < SLIVER_ASPECT) s -= w.doubtCost;
  // a piece much shorter than its group is a stroke a cut took off a digit (the foot of a 2), not a digit
  if (c.tall < SHORT_PIECE) s -= 2 * w.doubtCost;
  if (p.reason === 'several_parts' || p.reason === 'not_digit_like') s -= w.doubtCost;
  return s;
}

/**
 * the best reading of the line: a path of candidates from its first node to its last maximising the
 * summed score. `margin`: how much better it is than the best path with another number of digits.
 */
export function bestPath(nodes: number, candidates: Candidate[], w: ScoreWeights = SCORE_WEIGHTS): { path: Candidate[]; margin: number } {
  const N = nodes;
  // best[j][n]: the best score reaching node j with n digits
  const best: Float64Array[] = Array.from({ length: N }, () => new Float64Array(N).fill(-Infinity));
  const back: (Candidate | null)[][] = Array.from({ length: N }, () => new Array(N).fill(null));
  best[0][0] = 0;
  const byEnd: Candidate[][] = Array.from({ length: N }, () => []);
  for (const c of candidates) byEnd[c.to].push(c);
  for (let j = 1; j < N; j++) {
    for (const c of byEnd[j]) {
      const s = score(c, w);
      for (let n = 0; n < j; n++) {
        if (best[c.from][n] === -Infinity) continue;
        const v = best[c.from][n] + s;
        if (v > best[j][n + 1]) {
          best[j][n + 1] = v;
          back[j][n + 1] = c;
        }
      }
    }
  }
  const end = N - 1;
  let n = 1;
  for (let k = 1; k < N; k++) if (best[end][k] > best[end][n]) n = k;
  let other = -Infinity;
  for (let k = 1; k < N; k++) if (k !== n) other = Math.max(other, best[end][k]);
  const path: Candidate[] = [];
  for (let j = end, k = n; j > 0 && back[j][k]; k--) {
    const c = back[j][k]!;
    path.unshift(c);
    j = c.from;
  }
  return { path, margin: best[end][n] - other };
}

/** every candidate digit of a line over its nodes, each with what the classifier said of it */
export interface Lattice {
  nodes: number;
  candidates: Candidate[];
  /** the work bounds left some pieces untried */
  capped: boolean;
  /** some group could be read as more than one digit, or two as one */
  alternatives: boolean;
  /** inked pixels of all candidates' 28×28 inputs: the forward pass's work (MAX_INPUT_INK bounds it) */
  inputInk: number;
  /** pixels of all candidates' crops: the cutting's work (MAX_CROP_AREA bounds it) */
  cropArea: number;
}

/** the lattice of an ink map (its specks are cleared in place); throws no_digit, several_lines or too_many_digits (422) */
export function readLattice(picture: InkPicture, predictor: Pick<Predictor, 'predictPacked'>): Lattice {
  const lattice = latticeCandidates(picture);
  predictCandidates(lattice.candidates, predictor);
  return lattice;
}

/** one forward pass for every candidate */
function predictCandidates(candidates: Candidate[], predictor: Pick<Predictor, 'predictPacked'>): void {
  const B = candidates.length;
  const packed = new Float32Array(B * D);
  candidates.forEach((c, b) => packed.set(c.input, b * D));
  const predictions = predictor.predictPacked(packed, B);
  candidates.forEach((c, b) => (c.prediction = predictions[b]));
}

/**
 * the marks of an ink map that can belong to digits (rulings removed and specks cleared in place),
 * labelled: what the lattice cuts, and what the line reader's training lines are found as
 */
export function inkMarks(picture: InkPicture): { labels: Labels; marks: Mark[] } {
  const { ink, width, height } = picture;
  removeRulings(ink, width, height); // lined paper: the digits written on it would be one mark with each line
  const labels = labelMarks(ink, width, height, READ_SPECK_FRACTION); // specks dropped while labelling
  return { labels, marks: digitMarks(labels) };
}

/**
 * the candidates of an ink map before the classifier speaks (its specks are cleared in place), with
 * the labelled marks they were cropped from; throws no_digit, several_lines or too_many_digits (422)
 */
export function latticeCandidates(picture: InkPicture): Lattice & { labels: Labels } {
  const { ink, width } = picture;
  const { labels, marks } = inkMarks(picture);
  if (marks.length === 0) throw noDigit('it looks blank (uniform colour or fully transparent)');
  checkOneLine(marks);
  if (lineFill(ink, width, marks) > MAX_LINE_FILL) {
    throw noDigit(`most of the picture is ink (${Math.round(100 * lineFill(ink, width, marks))}% of the area the marks cover): a filled shape or a blot, not writing; write with a thinner pen or leave more paper between the digits`);
  }
  const groups: Group[] = joinParts(marks);
  if (groups.length > MAX_DIGITS) throw tooManyDigits(`found ${groups.length} digits`);

  // candidates over the nodes of the line (each group's edges and cut points, one node where two
  // groups meet): every group whole, for wide ones every stretch between two of its cut points,
  // and two close neighbours as one digit (a stroke broken across, a part that did not overlap)
  const candidates: Candidate[] = [];
  let capped = false;
  let alternatives = false;
  let node = 0;
  let planned = 0; // candidates of the groups before this one, wholes and pieces
  const starts: number[] = [];
  // the forward pass costs per inked input pixel: every group whole first, then pieces and merges
  // while the inked pixels of all candidates stay within MAX_INPUT_INK (noise makes dense candidates)
  // and their crops within MAX_CROP_AREA
  let inputInk = 0, cropArea = 0;
  const later: (() => void)[] = [];
  const add = (group: Group, from: number | Cut, to: number | Cut, nodeFrom: number, nodeTo: number, kind: Candidate['kind'], optional: boolean, alone?: GroupCrop) => {
    if (optional && (inputInk > MAX_INPUT_INK || cropArea > MAX_CROP_AREA)) {
      capped = true;
      return;
    }
    const piece: PieceSpec = { group, from, to };
    const crop = pieceCrop(ink, labels, piece, alone);
    const box = cropBox(crop.ink, crop.width, crop.height, crop.left, group.top);
    if (!box) return;
    const input = toMnist(crop.ink, crop.width, crop.height);
    cropArea += crop.width * crop.height;
    for (let d = 0; d < D; d++) if (input[d] > 0) inputInk++;
    candidates.push({ input, piece, from: nodeFrom, to: nodeTo, kind, box, aspect: box.width / boxHeight(group), groupAspect: boxWidth(group) / boxHeight(group), tall: box.height / boxHeight(group) });
  };
  groups.forEach((g, gi) => {
    const h = boxHeight(g);
    const seeds = cutCandidates(ink, labels, g);
    const alone = seeds.length > 0 ? groupCrop(ink, labels, g) : null;
    // the valleys first, then the seeded columns' bent cuts that are not near one
    const valleys = seeds.length > 0 ? valleyCuts(alone!, Math.round(VALLEY_SHARE * seeds.length)) : [];
    const margin = Math.max(1, Math.round(CUT_SPACING * h));
    const chosen: Cut[] = [...valleys];
    for (const x of seeds) if (chosen.length < seeds.length + VALLEY_EXTRA && chosen.every((c) => Math.abs(c.x - x) >= margin)) chosen.push(cutPath(alone!, x));
    chosen.sort((a, b) => a.x - b.x);
    let cutsAt = chosen;
    let cuts = chosen.map((c) => c.x);
    // within the budget left (one candidate kept for every group still to come): drop the cut
    // closest to its neighbours until the stretches between cut points fit
    const room = MAX_CANDIDATES - planned - 2 * (groups.length - gi - 1);
    while (cuts.length > 0 && spans([g.left, ...cuts, g.right + 1], MAX_SPAN * h) > room) {
      let drop = 0, tightest = Infinity;
      const at = [g.left, ...cuts, g.right + 1];
      for (let k = 0; k < cuts.length; k++) {
        const gap = at[k + 2] - at[k];
        if (gap < tightest) [tightest, drop] = [gap, k];
      }
      cuts = cuts.filter((_, k) => k !== drop);
      cutsAt = cutsAt.filter((_, k) => k !== drop);
      capped = true;
    }
    const at = [g.left, ...cuts, g.right + 1];
    const paths = alone ? [straightCut(alone, g.left), ...cutsAt, straightCut(alone, g.right + 1)] : [];
    alternatives ||= cuts.length > 0;
    starts.push(node);
    for (let i = 0; i < at.length - 1; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const whole = i === 0 && j === at.length - 1;
        if (!whole && at[j] - at[i] > MAX_SPAN * h) continue;
        // ending at a cut inside the group is what makes an extra digit
        const [from, to, nodeFrom, nodeTo] = [paths[i], paths[j], node + i, node + j];
        if (whole) add(g, g.left, g.right + 1, nodeFrom, nodeTo, 'plain', false);
        else later.push(() => add(g, from, to, nodeFrom, nodeTo, j < at.length - 1 ? 'cut' : 'plain', true, alone!));
      }
    }
    planned += spans(at, MAX_SPAN * h);
    node += at.length - 1;
  });
  starts.push(node);
  for (let gi = 0; gi + 1 < groups.length && candidates.length < MAX_CANDIDATES; gi++) {
    const a = groups[gi], b = groups[gi + 1];
    const h = Math.max(boxHeight(a), boxHeight(b));
    if (b.left - a.right - 1 > MERGE_GAP * h || Math.max(a.right, b.right) - Math.min(a.left, b.left) + 1 > MERGE_WIDTH * h) continue;
    const merged: Group = {
      left: Math.min(a.left, b.left), right: Math.max(a.right, b.right), top: Math.min(a.top, b.top), bottom: Math.max(a.bottom, b.bottom),
      marks: [...a.marks, ...b.marks], mass: a.mass + b.mass,
    };
    alternatives = true;
    const [from, to] = [starts[gi], starts[gi + 2]];
    later.push(() => add(merged, merged.left, merged.right + 1, from, to, 'merge', true));
  }
  for (const f of later) f();
  return { nodes: node + 1, candidates, capped, alternatives, labels, inputInk, cropArea };
}

/**
 * what reads a number: the digit model's batched forward pass, and the line reader for digits that
 * touch (absent or null: the lattice reads them too, by cutting)
 */
export type NumberReaders = Pick<Predictor, 'predictPacked'> & {
  lineReader?: LineReader | null;
  /** line columns one picture's reading may spend, each phase counted, decoding and cutting included (shared/limits.ts readLineColumns; the free plan's when absent) */
  lineColumns?: number;
  /** what decoding the picture spent of them (read-cost.ts decodeColumns; 0 when absent) */
  decodeColumns?: number;
  /** how many phases of its frames it reads each line at (shared/limits.ts readLinePhases; the free plan's when absent) */
  linePhases?: number;
};

/** the number in an ink map (its specks are cleared in place); throws no_digit, several_lines or too_many_digits (422) */
export function readInk(picture: InkPicture, readers: NumberReaders): NumberReading {
  const read = readGroups(picture, readers);
  const chosen = arbitrate(read.groups);
  const digits = chosen.digits;
  // where the line reader and the cuts agree on every group it read, the cutting did not guess
  const guessed = read.capped || chosen.disputed || (read.guessed && !chosen.confirmed);
  if (digits.length === 0) throw noDigit('it looks blank (uniform colour or fully transparent)');
  if (digits.length > MAX_DIGITS) throw tooManyDigits(`found ${digits.length} digits`);
  const anyUncertain = digits.some((d) => d.uncertain);
  return {
    text: digits.map((d) => d.digit).join(''),
    digits,
    uncertain: anyUncertain || guessed,
    reason: anyUncertain ? 'uncertain_digit' : guessed ? 'ambiguous_split' : null,
  };
}

/** one group of ink on the lattice's path: what the cuts read of it, and what the line reader read when asked */
export interface GroupReading {
  cut: DigitReading[];
  /** the line reader's digits, when it read the group and they differ from the cuts' */
  line: DigitReading[] | null;
  /** what the arbiter weighs when they differ */
  dispute: Dispute | null;
  /** the line reader read it and agreed with the cuts */
  agreed: boolean;
}

/**
 * every group on the lattice's best path, read by the cuts and (within the budget) by the line reader.
 * `guessed`: the lattice's own doubt (a close second reading with another number of digits); `capped`:
 * the work bounds left some pieces untried
 */
export function readGroups(picture: InkPicture, readers: NumberReaders): { groups: GroupReading[]; guessed: boolean; capped: boolean } {
  const lattice = latticeCandidates(picture);
  predictCandidates(lattice.candidates, readers);
  const { nodes, candidates, capped, alternatives, labels } = lattice;
  const { path, margin } = bestPath(nodes, candidates);
  const groups: GroupReading[] = [];
  const spans: { group: Group; path: Candidate[] }[] = [];
  for (let i = 0; i < path.length;) {
    let j = i;
    while (j < path.length && path[j].piece.group === path[i].piece.group) j++;
    const cut = path.slice(i, j);
    spans.push({ group: cut[0].piece.group, path: cut });
    groups.push({ cut: cut.map((c) => reading(c, picture)), line: null, dispute: null, agreed: false });
    i = j;
  }
  const reader = readers.lineReader;
  if (reader) {
    const columnsAsked = readers.lineColumns ?? LIMITS.free.readLineColumns;
    const maxColumns = columnsLeft(columnsAsked, readers.decodeColumns ?? 0, lattice.cropArea, lattice.inputInk);
    let phases = readers.linePhases ?? LIMITS.free.readLinePhases;
    // the widest groups first: those the cuts most likely read wrong, and the budget may not reach them all
    const order = spans.map((_, k) => k).filter((k) => aspectOf(spans[k].group) > LINE_READ_ASPECT && aspectOf(spans[k].group) <= LINE_READ_MAX_ASPECT);
    order.sort((a, b) => aspectOf(spans[b].group) - aspectOf(spans[a].group));
    // each group's line and what reading it costs at one phase: its columns, padding included, and its
    // cells that see ink (read-cost.ts lineColumns), built until not even the narrowest line would fit
    // beside those that do. a picture whose lines cost little reads them at more phases, within the
    // same budget
    const narrowest = lineColumns(paddedWidth(LINE_ROWS * LINE_READ_ASPECT), 0);
    const lines: { k: number; line: LineImage; cost: number }[] = [];
    let fitting = 0, total = 0;
    for (const k of order) {
      if (phases * (fitting + narrowest) > maxColumns) break;
      const line = lineImage(picture.ink, labels, spans[k].group.marks);
      const cost = lineColumns(paddedWidth(line.width), inkedCells(reader.network, line));
      lines.push({ k, line, cost });
      total += cost;
      if (phases * (fitting + cost) <= maxColumns) fitting += cost;
    }
    while (phases < MAX_LINE_PHASES && 2 * phases * total <= maxColumns) phases *= 2;
    let columns = 0;
    for (const { k, line, cost: once } of lines) {
      const { group, path: cut } = spans[k];
      const cost = phases * once;
      if (columns + cost > maxColumns) continue;
      columns += cost;
      const read = readLine(reader, line, phases);
      const cutDigits = cut.map((c) => c.prediction!.digit);
      if (read.digits.length === 0) continue;
      if (read.digits.join('') === cutDigits.join('')) {
        groups[k].agreed = true;
        continue;
      }
      groups[k].line = lineDigits(read, line, group, picture);
      groups[k].dispute = {
        gain: read.ownLogProbability - read.logProbability(cutDigits),
        aspect: aspectOf(group),
        moreDigits: read.digits.length - cutDigits.length,
        cutDoubt: -Math.log(Math.max(1e-9, Math.min(...cut.map((c) => c.prediction!.confidence)))),
      };
    }
  }
  return { groups, guessed: capped || (alternatives && margin < GUESS_MARGIN), capped };
}

const aspectOf = (g: Group) => boxWidth(g) / boxHeight(g);

/** what the arbiter weighs of a group the line reader and the cuts read differently */
export interface Dispute {
  /** how much better (natural log) the line reader's frames fit its own reading than the cuts' */
  gain: number;
  /** the group's width / height */
  aspect: number;
  /** digits the line reader reads beyond the cuts' */
  moreDigits: number;
  /** -log of the classifier's probability of the cuts' least sure digit */
  cutDoubt: number;
}

/**
 * the arbiter: a linear score of a dispute's measures, the log-odds that the line reader's reading is
 * the right one. fitted on the dev numbers (mnist TRAINING digits; four draws, never the two read-dev
 * scores): a logistic regression, then each weight searched for more numbers read exactly
 * (scripts/dev/fit-arbiter.ts). the search left out how the lattice scores each reading, which the
 * regression had weighed: on the two other draws 79.8 / 80.5% exact against 79.2 / 80.3% with it.
 * it follows the bundled line reader and digit model: refit it when either changes.
 */
export interface ArbiterWeights {
  gain: number;
  wide: number;
  moreDigits: number;
  cutDoubt: number;
  bias: number;
}

export const ARBITER: ArbiterWeights = { gain: 0.375, wide: 0.806, moreDigits: 0.705, cutDoubt: 3.51, bias: -3.365 };

/** gains beyond this (log-units) say nothing more: one wild frame should not decide */
const GAIN_CLIP = 60;

/** the log-odds that the line reader read a disputed group right */
export function arbiterLogit(d: Dispute, w: ArbiterWeights = ARBITER): number {
  return (
    w.gain * Math.max(-GAIN_CLIP, Math.min(GAIN_CLIP, d.gain)) +
    (d.aspect > LINE_WIDE_ASPECT ? w.wide : 0) +
    w.moreDigits * d.moreDigits +
    w.cutDoubt * d.cutDoubt +
    w.bias
  );
}

/**
 * each group's reading, the line reader's where the arbiter prefers it. `confirmed`: the line reader
 * read some group and agreed with the cuts on every one; `disputed`: on some group the arbiter was not
 * sure (log-odds within ARBITER_SURE), so the number is flagged ambiguous_split
 */
export function arbitrate(groups: readonly GroupReading[], w: ArbiterWeights = ARBITER): { digits: DigitReading[]; confirmed: boolean; disputed: boolean } {
  const digits: DigitReading[] = [];
  let disputed = false, agreed = false;
  for (const g of groups) {
    agreed ||= g.agreed;
    if (!g.dispute || !g.line) {
      digits.push(...g.cut);
      continue;
    }
    const logit = arbiterLogit(g.dispute, w);
    if (Math.abs(logit) < ARBITER_SURE) disputed = true;
    digits.push(...(logit > 0 ? g.line : g.cut));
  }
  return { digits, confirmed: agreed && groups.every((g) => !g.dispute), disputed };
}

/**
 * writing leaves a good part of its line's box as paper; a filled shape does not. as segment.ts's
 * MAX_FILL for one group: digits touching in a thick marker ink up to ~60% of the box. random noise,
 * once reduced and thresholded, inks ~0.4 at any density, so this guard is not what bounds its cost
 * (the candidate caps above are). dev numbers (scripts/dev/read-dev.ts --count 300): at 0.55, 20 of
 * 1,200 real numbers were refused as "a filled shape", at 0.65 2; read:score 67.8 → 68.7% exact.
 */
const MAX_LINE_FILL = 0.65;

/** the share of the box around all marks that is ink */
function lineFill(ink: Float32Array, width: number, marks: Mark[]): number {
  let left = Infinity, right = -1, top = Infinity, bottom = -1;
  for (const m of marks) {
    left = Math.min(left, m.left);
    right = Math.max(right, m.right);
    top = Math.min(top, m.top);
    bottom = Math.max(bottom, m.bottom);
  }
  let inked = 0;
  for (let y = top; y <= bottom; y++) for (let x = left; x <= right; x++) if (ink[y * width + x] > 0) inked++;
  return inked / ((right - left + 1) * (bottom - top + 1));
}

/** how many candidates the cut points `at` make: the whole, and every stretch up to maxSpan wide */
function spans(at: number[], maxSpan: number): number {
  let n = 1;
  for (let i = 0; i < at.length - 1; i++) for (let j = i + 1; j < at.length; j++) if (!(i === 0 && j === at.length - 1) && at[j] - at[i] <= maxSpan) n++;
  return n;
}

/** a candidate as the answer states it: its box in the sent picture's pixels */
function reading(c: Candidate, picture: InkPicture): DigitReading {
  const p = c.prediction!;
  return toSent({ digit: p.digit, confidence: p.confidence, box: c.box, uncertain: p.uncertain, reason: p.reason }, picture);
}

/** a reading whose box is in ink pixels, with its box in the sent picture's pixels */
function toSent(d: DigitReading, picture: InkPicture): DigitReading {
  const { factor: f, sentWidth, sentHeight } = picture;
  const b = d.box;
  const x = b.x * f, y = b.y * f;
  return { ...d, box: { x, y, width: Math.min(sentWidth, (b.x + b.width) * f) - x, height: Math.min(sentHeight, (b.y + b.height) * f) - y } };
}

/** the number in a decoded picture (see pictureInk for factor and the sent size) */
export const readPicture = (picture: DecodedImage, readers: NumberReaders, factor = 1, sentWidth = picture.width, sentHeight = picture.height) =>
  readInk(pictureInk(picture, factor, sentWidth, sentHeight), readers);

/**
 * a group this much wider than tall may be several digits touching, or one the classifier misread: the
 * line reader reads it too (dev numbers, six draws: reading groups from 0.5 rather than 0.9 of their
 * height, the arbiter then read 1.5 points more numbers exactly; from 0.35, two draws, 79.3 / 80.5%
 * against 79.3 / 79.8%; from 0.2, which adds the strokes of 1s, the same as from 0.35)
 */
const LINE_READ_ASPECT = 0.35;
/** and no wider than this (12 touching digits and room): a longer mark is not a line of digits, and its frames would cost more */
const LINE_READ_MAX_ASPECT = 10;
/** a group wider than this is several digits, whatever the cuts make of it: the arbiter weighs that */
const LINE_WIDE_ASPECT = 1.3;
/**
 * the most phases a line is read at (the paid plan's). a picture whose lines fit twice or 4 times in its
 * budget is read at 2 or 4 (dev numbers, two draws: 80.7 / 80.3% exact against 79.8 / 80.5% at the plan's 1)
 */
const MAX_LINE_PHASES = 4;
/** the arbiter's log-odds within which a disputed group makes the number ambiguous_split */
const ARBITER_SURE = 2;

/** a line reading's digits as the answer states them: each box spans its frames' columns, halfway to its neighbours', over the group's rows */
function lineDigits(read: LineReading, line: LineImage, group: Group, picture: InkPicture): DigitReading[] {
  const centres = read.columns;
  return read.digits.map((digit, k) => {
    const from = k === 0 ? 0 : (centres[k - 1] + centres[k]) / 2;
    const to = k === centres.length - 1 ? line.width : (centres[k] + centres[k + 1]) / 2;
    const left = Math.max(group.left, Math.floor(line.left + from * line.scale));
    const right = Math.min(group.right + 1, Math.ceil(line.left + to * line.scale));
    const box = { x: left, y: group.top, width: Math.max(1, right - left), height: boxHeight(group) };
    const confidence = read.confidence[k];
    const uncertain = confidence < MIN_CONFIDENCE;
    return toSent({ digit, confidence, box, uncertain, reason: uncertain ? 'low_confidence' : null }, picture);
  });
}

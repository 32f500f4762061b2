import { IMAGE_SIDE, PIXEL_MAX } from '../dims';

// when an answer should not be trusted: the one decision the Worker and the browser both make, on
// what the model saw (the 784 pixels after preprocessing) and what it answered. an answer is
// uncertain, for the first reason that holds:
//
//   several_parts   two or more separate marks side by side, each at least 45% as tall as the whole:
//                   a number, not a digit. (no MNIST training or test digit does this.)
//   not_digit_like  a solid blob (85% or more of a box at least 6×6 pixels is ink), or — when the
//                   model file carries one — the model's own "not a digit" probe scores above its
//                   threshold. the probe is a linear score over the last hidden layer and the log
//                   of the two largest probabilities, fitted at training time to tell the run's
//                   training digits from handwritten letters, scribbles and several digits side by
//                   side made by scripts/tune/, its threshold set to flag a fixed small share of the
//                   images held out of training (scripts/lib/uncertainty.ts).
//   low_confidence  the calibrated probability of the answer is below MIN_CONFIDENCE: more likely
//                   wrong than right.
//
// cost: one pass over the 784 pixels, a flood fill of the ink, and H + 2 multiply-adds.

export const DOUBT_REASONS = ['several_parts', 'not_digit_like', 'low_confidence'] as const;
export type DoubtReason = (typeof DOUBT_REASONS)[number];

export interface Doubt {
  uncertain: boolean;
  reason: DoubtReason | null; // null when not uncertain
}

/** an answer whose calibrated probability is below this is flagged */
export const MIN_CONFIDENCE = 0.5;

export const UNCERTAINTY_PROBE_VERSION = 1;

/** the model file's "not a digit" score (header field `uncertainty`, format.ts) */
export interface UncertaintyProbe {
  version: number; // UNCERTAINTY_PROBE_VERSION
  /** (H + 2): one weight per unit of the last hidden layer (after ReLU), then ln p1 and ln p2, the two largest calibrated probabilities */
  weights: number[];
  bias: number;
  /** score = weights · features + bias; above this the input is not digit-like */
  threshold: number;
  /** what it was fitted on and how it did there, for people reading the header */
  fittedOn: string;
  heldOutFlagged: number; // share of the held-out images flagged by every rule together
}

const S = IMAGE_SIDE;
const INK = 64; // a pixel at least this bright (of 255) is ink for the shape rules
const SOLID_FILL = 0.85;
const SOLID_MIN_SIDE = 6;
const PART_MIN_MASS = 0.08; // a mark with less of the ink is a speck, not a part
const PART_MIN_HEIGHT = 0.45;

/** a mark of ink: its mass (the sum of its pixels) and its bounds in the image */
export interface Part {
  mass: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** the most runs of ink a 28×28 image can hold: 14 a row (ink, gap, ink, …) */
const MAX_RUNS = (S / 2) * S;

/** scratch space for inkParts: reuse one per predictor so judging allocates nothing but its few marks */
export interface ShapeScratch {
  pixels: Float32Array; // (D) the image, copied
  // per run of ink (a row's pixels ≥ INK side by side), then per mark at its first run: (MAX_RUNS) each
  start: Int32Array; // first column of the run
  end: Int32Array; // last column
  parent: Int32Array; // union-find: a run of the same mark found earlier, or itself
  mass: Float64Array;
  left: Int32Array;
  right: Int32Array;
  top: Int32Array;
  bottom: Int32Array;
}

export const createShapeScratch = (): ShapeScratch => ({
  pixels: new Float32Array(S * S),
  start: new Int32Array(MAX_RUNS), end: new Int32Array(MAX_RUNS), parent: new Int32Array(MAX_RUNS), mass: new Float64Array(MAX_RUNS),
  left: new Int32Array(MAX_RUNS), right: new Int32Array(MAX_RUNS), top: new Int32Array(MAX_RUNS), bottom: new Int32Array(MAX_RUNS),
});

/** the first run of r's mark, halving the path on the way */
function root(parent: Int32Array, r: number): number {
  while (parent[r] !== r) {
    const up = parent[parent[r]];
    parent[r] = up;
    r = up;
  }
  return r;
}

/**
 * the 8-connected marks of ink (pixels ≥ INK) of a 28×28 image, in the order of their first pixel
 * (row by row, left to right). labelled by runs: each row's runs of ink are joined to the runs of the
 * row above that they touch (columns overlapping or diagonal), so the work follows the runs, not
 * every pixel's 8 neighbours. a mark's mass is the same whatever order its pixels are summed in: the
 * pixels are float32 in 64..255 (multiples of 2^-17), whose sums stay exact in a double.
 */
export function inkParts(pixels: Float32Array, s: ShapeScratch): Part[] {
  const { start, end, parent, mass, left, right, top, bottom } = s;
  let n = 0;
  let aboveFrom = 0, aboveTo = 0; // the runs of the row above: [aboveFrom, aboveTo)
  for (let y = 0; y < S; y++) {
    const rowFrom = n;
    let a = aboveFrom; // the first run above that can still touch this row's next run
    const o = y * S;
    let x = 0;
    while (x < S) {
      if (pixels[o + x] < INK) {
        x++;
        continue;
      }
      const x0 = x;
      let m = 0;
      do m += pixels[o + x++];
      while (x < S && pixels[o + x] >= INK);
      const x1 = x - 1;
      start[n] = x0; end[n] = x1; parent[n] = n; mass[n] = m;
      left[n] = x0; right[n] = x1; top[n] = y; bottom[n] = y;
      while (a < aboveTo && end[a] < x0 - 1) a++;
      for (let q = a; q < aboveTo && start[q] <= x1 + 1; q++) {
        // join the two marks under the earlier first run, so a mark's root is its first run
        const rq = root(parent, q), rn = root(parent, n);
        if (rq < rn) parent[rn] = rq;
        else if (rn < rq) parent[rq] = rn;
      }
      n++;
    }
    aboveFrom = rowFrom;
    aboveTo = n;
  }
  // each run's mass and bounds into its mark's first run; runs come in order, so a root is met before its other runs
  const found: Part[] = [];
  for (let r = 0; r < n; r++) {
    const f = root(parent, r);
    if (f === r) continue;
    mass[f] += mass[r];
    if (left[r] < left[f]) left[f] = left[r];
    if (right[r] > right[f]) right[f] = right[r];
    if (bottom[r] > bottom[f]) bottom[f] = bottom[r]; // top: the first run's row is the mark's top
  }
  for (let r = 0; r < n; r++) if (parent[r] === r) found.push({ mass: mass[r], left: left[r], right: right[r], top: top[r], bottom: bottom[r] });
  return found;
}

/** what the ink looks like, on the 28×28 image the model saw (0..255, ink bright) */
export interface InkShape {
  severalParts: boolean;
  solid: boolean;
}

export function inkShape(image: ArrayLike<number>, scratch: ShapeScratch = createShapeScratch()): InkShape {
  // one copy into a typed array: the fill then reads one kind of array (callers pass arrays and typed views)
  const pixels = scratch.pixels;
  for (let i = 0; i < S * S; i++) pixels[i] = image[i];
  const marks = inkParts(pixels, scratch);
  if (marks.length === 0) return { severalParts: false, solid: false };
  let left = S, right = -1, top = S, bottom = -1, total = 0;
  for (const m of marks) {
    left = Math.min(left, m.left);
    right = Math.max(right, m.right);
    top = Math.min(top, m.top);
    bottom = Math.max(bottom, m.bottom);
    total += m.mass;
  }
  const width = right - left + 1, height = bottom - top + 1;
  let boxInk = 0;
  for (let y = top; y <= bottom; y++) for (let x = left; x <= right; x++) boxInk += pixels[y * S + x];
  const solid = Math.min(width, height) >= SOLID_MIN_SIDE && boxInk >= SOLID_FILL * PIXEL_MAX * width * height;

  const big = marks.filter((m) => m.mass >= PART_MIN_MASS * total).sort((a, b) => b.mass - a.mass);
  let severalParts = false;
  if (big.length >= 2) {
    const [a, b] = big;
    const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) + 1; // columns both cover (≤ 0: a gap)
    const tall = Math.min(a.bottom - a.top, b.bottom - b.top) + 1 >= PART_MIN_HEIGHT * height;
    severalParts = overlap <= 1 && tall;
  }
  return { severalParts, solid };
}

/** the probe's score for one image: hidden (H) the last hidden layer, p1 ≥ p2 the two largest probabilities */
export function probeScore(probe: UncertaintyProbe, hidden: ArrayLike<number>, p1: number, p2: number): number {
  const H = probe.weights.length - 2;
  let s = probe.bias;
  for (let h = 0; h < H; h++) s += probe.weights[h] * hidden[h];
  return s + probe.weights[H] * Math.log(p1 + 1e-12) + probe.weights[H + 1] * Math.log(p2 + 1e-12);
}

/** the two largest of probabilities (K) */
export function topTwo(probabilities: ArrayLike<number>): [number, number] {
  let p1 = -1, p2 = -1;
  for (let k = 0; k < probabilities.length; k++) {
    const p = probabilities[k];
    if (p > p1) {
      p2 = p1;
      p1 = p;
    } else if (p > p2) p2 = p;
  }
  return [p1, p2];
}

/**
 * the decision, for the 784 pixels the model saw, its calibrated probabilities (K), its last hidden
 * layer (H; null for a network without one) and the model's probe (null when its file has none)
 */
export function judge(
  pixels: ArrayLike<number>, probabilities: ArrayLike<number>, hidden: ArrayLike<number> | null, probe: UncertaintyProbe | null,
  scratch?: ShapeScratch,
): Doubt {
  const shape = inkShape(pixels, scratch);
  if (shape.severalParts) return { uncertain: true, reason: 'several_parts' };
  const [p1, p2] = topTwo(probabilities);
  if (shape.solid || (probe && hidden && probeScore(probe, hidden, p1, p2) > probe.threshold)) return { uncertain: true, reason: 'not_digit_like' };
  if (p1 < MIN_CONFIDENCE) return { uncertain: true, reason: 'low_confidence' };
  return { uncertain: false, reason: null };
}

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

interface Part {
  mass: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** the side of the ink mask: the image with a border of no ink, so a pixel's 8 neighbours need no bounds checks */
const P = S + 2;
/** the image column and row of each mask index (no division in the fill's inner loop) */
const COLUMN = new Int8Array(P * P).map((_, i) => (i % P) - 1);
const ROW = new Int8Array(P * P).map((_, i) => Math.floor(i / P) - 1);

/**
 * the 8-connected marks of ink; `ink` (P²) and `stack` (D) are scratch space. a fill of its own rather
 * than normalize.ts dropSpecks's: that one labels any ink on a picture of any size and keeps masses, this
 * one thresholds the 28×28 input at INK and keeps each mark's bounds, allocation-free per request.
 * the mask is cleared as the fill visits it, so each pixel is visited once.
 */
function parts(pixels: Float32Array, ink: Uint8Array, stack: Int32Array): Part[] {
  ink.fill(0);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (pixels[y * S + x] >= INK) ink[(y + 1) * P + x + 1] = 1;
  const found: Part[] = [];
  for (let start = P + 1; start < P * (P - 1); start++) {
    if (ink[start] === 0) continue;
    ink[start] = 0;
    const part: Part = { mass: 0, left: S, right: -1, top: S, bottom: -1 };
    let mass = 0, left = S, right = -1, top = S, bottom = -1;
    let n = 0;
    stack[n++] = start;
    while (n > 0) {
      const i = stack[--n];
      const x = COLUMN[i], y = ROW[i];
      mass += pixels[y * S + x];
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      let j = i - P - 1;
      if (ink[j] !== 0) { ink[j] = 0; stack[n++] = j; }
      if (ink[++j] !== 0) { ink[j] = 0; stack[n++] = j; }
      if (ink[++j] !== 0) { ink[j] = 0; stack[n++] = j; }
      j = i - 1;
      if (ink[j] !== 0) { ink[j] = 0; stack[n++] = j; }
      j = i + 1;
      if (ink[j] !== 0) { ink[j] = 0; stack[n++] = j; }
      j = i + P - 1;
      if (ink[j] !== 0) { ink[j] = 0; stack[n++] = j; }
      if (ink[++j] !== 0) { ink[j] = 0; stack[n++] = j; }
      if (ink[++j] !== 0) { ink[j] = 0; stack[n++] = j; }
    }
    part.mass = mass;
    part.left = left;
    part.right = right;
    part.top = top;
    part.bottom = bottom;
    found.push(part);
  }
  return found;
}

/** scratch space for the flood fill: reuse one per predictor so judging allocates nothing */
export interface ShapeScratch {
  pixels: Float32Array; // (D) the image, copied
  ink: Uint8Array; // (P²) its ink mask
  stack: Int32Array; // (D)
}

export const createShapeScratch = (): ShapeScratch => ({ pixels: new Float32Array(S * S), ink: new Uint8Array(P * P), stack: new Int32Array(S * S) });

/** what the ink looks like, on the 28×28 image the model saw (0..255, ink bright) */
export interface InkShape {
  severalParts: boolean;
  solid: boolean;
}

export function inkShape(image: ArrayLike<number>, scratch: ShapeScratch = createShapeScratch()): InkShape {
  // one copy into a typed array: the fill then reads one kind of array (callers pass arrays and typed views)
  const pixels = scratch.pixels;
  for (let i = 0; i < S * S; i++) pixels[i] = image[i];
  const marks = parts(pixels, scratch.ink, scratch.stack);
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

import { D, IMAGE_SIDE } from '../dims';
import { latticeCandidates, pictureInk, pieceCrop, READ_SIDE, type Candidate } from '../model/read';
import { ImageError } from '../image/decoded';
import { inkBounds } from '../image/preprocess';
import type { Rng } from '../rng';
import { morphBy } from './morph';

// training pieces for reading numbers (--piece-lines N): lines of training digits side by side
// (touching, close or apart, uneven heights and baselines, slanted, one pen per line), cut by the
// very lattice POST /read builds (shared/model/read.ts latticeCandidates), and every candidate
// labelled by whose ink it holds: one digit's ink, nearly all of it and little else, is that digit;
// a cut through two digits, or a stroke cut off one, is NOT_A_DIGIT_LABEL (a uniform target:
// kernels/softmax.ts). measured, it did not pay enough to join the default recipe (README.md,
// "Reading numbers"); the lines and their per-digit layers are what a model that reads whole lines
// would train on too.

/** a training label that is no digit: its target is uniform over the K digits */
export const NOT_A_DIGIT_LABEL = 255;

/** the gap between neighbouring digits' ink as a share of the line's height, by kind, and how often each kind is drawn */
const GAPS: readonly { share: number; range: [number, number] }[] = [
  { share: 0.6, range: [-0.15, 0.02] }, // touching: where the lattice must cut
  { share: 0.25, range: [0.03, 0.2] },
  { share: 0.15, range: [0.25, 0.6] },
];
/** a piece is digit i when at least OWN of its ink is i's and it holds at least WHOLE of i's ink */
const OWN = 0.9;
const WHOLE = 0.85;
/** it is no digit when less than MIXED of its ink is one digit's, or it holds less than PART of that digit */
const MIXED = 0.75;
const PART = 0.6;
/** the line is drawn this many pixels high (ink), so a line of up to 5 digits stays within READ_SIDE */
const HEIGHT: [number, number] = [28, 60];
/** the pen: morph steps (shared/train/morph.ts) thinner (< 0) or thicker than the scaled digits' strokes */
const PEN: [number, number] = [-0.6, 1.6];

export interface PieceSet {
  images: Uint8Array; // (count, D) 0..255, as toMnist crops them
  labels: Uint8Array; // (count) 0..9 or NOT_A_DIGIT_LABEL
  count: number;
  digits: number; // pieces labelled a digit
  junk: number; // pieces labelled NOT_A_DIGIT_LABEL
}

/** one source digit: 28×28 ink 0..255, and its label */
export type DigitSource = (i: number) => { image: Uint8Array; label: number };

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng.uniform();

/** the ink box of a 28×28 digit as [x0, x1) × [y0, y1), or null when it is blank */
function digitBox(img: Uint8Array): { x0: number; y0: number; x1: number; y1: number } | null {
  const b = inkBounds(Float32Array.from(img), IMAGE_SIDE, IMAGE_SIDE);
  return b && { x0: b.left, y0: b.top, x1: b.left + b.width, y1: b.top + b.height };
}

/** bilinear sample of a 28×28 digit at (x, y), 0 outside */
function sample(img: Uint8Array, x: number, y: number): number {
  const fx = Math.floor(x), fy = Math.floor(y);
  const ax = x - fx, ay = y - fy;
  const at = (px: number, py: number) => (px < 0 || py < 0 || px >= IMAGE_SIDE || py >= IMAGE_SIDE ? 0 : img[py * IMAGE_SIDE + px]);
  return (1 - ay) * ((1 - ax) * at(fx, fy) + ax * at(fx + 1, fy)) + ay * ((1 - ax) * at(fx, fy + 1) + ax * at(fx + 1, fy + 1));
}

export interface NumberLine {
  width: number;
  height: number;
  ink: Float32Array; // (height, width) the line: the brightest of the layers
  layers: Float32Array[]; // each digit's own ink on the line's pixels
  text: number[];
}

/** a line of `length` digits drawn from `source` at random indices below `available`; `gaps` (share of the height) when given, else drawn by GAPS */
export function numberLine(source: DigitSource, available: number, length: number, rng: Rng, gaps?: [number, number]): NumberLine {
  const H = Math.round(between(rng, ...HEIGHT));
  const u = rng.uniform();
  let gapKind = GAPS[GAPS.length - 1];
  for (let k = 0, acc = 0; k < GAPS.length; k++) if (u < (acc += GAPS[k].share)) { gapKind = GAPS[k]; break; }
  if (gaps) gapKind = { share: 1, range: gaps };
  const slant = between(rng, -0.12, 0.12);
  const digits: { image: Uint8Array; box: NonNullable<ReturnType<typeof digitBox>>; scale: number; x: number; y: number }[] = [];
  const text: number[] = [];
  let x = 4 + Math.ceil(Math.abs(slant) * H);
  while (digits.length < length) {
    const { image, label } = source(rng.int(available));
    const box = digitBox(image);
    if (!box) continue;
    const scale = (between(rng, 0.8, 1) * H) / (box.y1 - box.y0);
    const y = 4 + Math.round((H - scale * (box.y1 - box.y0)) * between(rng, 0.3, 1) + between(rng, -0.08, 0.08) * H + 0.08 * H);
    digits.push({ image, box, scale, x, y });
    text.push(label);
    x += scale * (box.x1 - box.x0) + between(rng, ...gapKind.range) * H;
  }
  const width = Math.ceil(x + 4 + Math.abs(slant) * H);
  const height = Math.ceil(H * 1.25 + 8);
  const mid = height / 2;
  const ink = new Float32Array(width * height);
  const layers = digits.map(({ image, box, scale, x: dx, y: dy }) => {
    const layer = new Float32Array(width * height);
    for (let py = 0; py < height; py++) {
      const sy = (py - dy) / scale + box.y0;
      if (sy < box.y0 - 1 || sy > box.y1) continue;
      const shift = slant * (mid - py);
      for (let px = 0; px < width; px++) {
        const sx = (px - shift - dx) / scale + box.x0;
        if (sx < box.x0 - 1 || sx > box.x1) continue;
        layer[py * width + px] = sample(image, sx, sy);
      }
    }
    return layer;
  });
  // one pen for the line, thinner or thicker than the digits' own (a thick pen makes neighbours touch)
  const pen = between(rng, ...PEN);
  const scratch = new Float32Array(width * height);
  for (const layer of layers) {
    if (pen !== 0) morphBy(layer, scratch, width, height, pen);
    for (let p = 0; p < ink.length; p++) if (layer[p] > ink[p]) ink[p] = layer[p];
  }
  return { width, height, ink, layers, text };
}

/** what each candidate of a line's lattice is: its digit, NOT_A_DIGIT_LABEL, or null when neither clearly */
export function labelPieces(line: NumberLine): { input: Float32Array; label: number | null; candidate: Candidate }[] {
  // the layers are on the line's pixels: a line the reader would reduce first cannot be labelled this way
  if (line.width > READ_SIDE || line.height > READ_SIDE) throw new RangeError(`a ${line.width}×${line.height} line is wider than READ_SIDE`);
  // read as a picture of dark ink on paper is read (its faint edges dropped as paper), so the
  // pieces are cut from the ink /read would see; the layers only say whose ink each pixel is
  const picture = pictureInk({ width: line.width, height: line.height, gray: line.ink.map((v) => 255 - v), alpha: null });
  const { candidates, labels } = latticeCandidates(picture);
  const totals = line.layers.map((l) => l.reduce((s, v) => s + v, 0));
  return candidates.map((c) => {
    const held = line.layers.map((l) => pieceCrop(l, labels, c.piece).ink.reduce((s, v) => s + v, 0));
    const sum = held.reduce((s, v) => s + v, 0);
    let i = 0;
    for (let k = 1; k < held.length; k++) if (held[k] > held[i]) i = k;
    const own = sum > 0 ? held[i] / sum : 0, whole = totals[i] > 0 ? held[i] / totals[i] : 0;
    const label = own >= OWN && whole >= WHOLE ? line.text[i] : own < MIXED || whole < PART ? NOT_A_DIGIT_LABEL : null;
    return { input: c.input, label, candidate: c };
  });
}

/**
 * `lines` lines of 2–5 digits from `source`, every clearly labelled piece of their lattices; pieces
 * that are no digit are kept up to `junkShare` of the digit pieces. deterministic for a seeded rng.
 */
export function numberPieceSet(source: DigitSource, available: number, lines: number, rng: Rng, junkShare = 0.5): PieceSet {
  const digitInputs: Float32Array[] = [], digitLabels: number[] = [], junkInputs: Float32Array[] = [];
  for (let n = 0; n < lines; n++) {
    const line = numberLine(source, available, 2 + rng.int(4), rng);
    if (line.width > READ_SIDE) continue;
    let pieces: ReturnType<typeof labelPieces>;
    try {
      pieces = labelPieces(line);
    } catch (e) {
      if (e instanceof ImageError) continue; // a line the reader refuses (too wide, two lines) teaches nothing
      throw e;
    }
    for (const p of pieces) {
      if (p.label === null) continue;
      if (p.label === NOT_A_DIGIT_LABEL) junkInputs.push(p.input);
      else (digitInputs.push(p.input), digitLabels.push(p.label));
    }
  }
  // the junk kept is an even draw over all of it, so every kind of bad cut stays represented
  const order = rng.shuffle(Int32Array.from(junkInputs, (_, j) => j));
  const junk = Math.min(junkInputs.length, Math.round(junkShare * digitInputs.length));
  const count = digitInputs.length + junk;
  const images = new Uint8Array(count * D);
  const labels = new Uint8Array(count);
  const put = (input: Float32Array, at: number, label: number) => {
    for (let d = 0; d < D; d++) images[at * D + d] = Math.round(Math.min(255, Math.max(0, input[d])));
    labels[at] = label;
  };
  digitInputs.forEach((input, i) => put(input, i, digitLabels[i]));
  for (let j = 0; j < junk; j++) put(junkInputs[order[j]], digitInputs.length + j, NOT_A_DIGIT_LABEL);
  return { images, labels, count, digits: digitInputs.length, junk };
}

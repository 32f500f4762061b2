import { D, IMAGE_SIDE, PIXEL_MAX } from '../dims';
import { ImageError, type DecodedImage } from '../image/decoded';
import { lineImage, type LineImage } from '../image/line';
import { inkMarks, pictureInk } from '../model/read';
import type { Rng } from '../rng';
import { createAugmenter, DEFAULT_AUGMENT } from './augment';
import { DEFAULT_DEGRADE } from './degrade';
import { morphBy } from './morph';
import { numberLine, type DigitSource } from './number-pieces';

// the line reader's training lines (npm run train:reader): training digits side by side as
// number-pieces.ts draws them (uneven heights and baselines, slanted, one pen per line, often with a
// pen's crisp edge), the gap touching, close or apart in equal shares, turned a few degrees,
// photographed (blur, paper shade, uneven light, sensor noise; some small), then found and straightened
// by the same code POST /read runs
// (pictureInk, the specks and dots dropped, shared/image/line.ts). only the label is known: where each
// digit lies is for CTC to learn.

/** the gap between neighbouring digits as a share of the line's height: touching, close, apart */
const GAPS: readonly [number, number][] = [[-0.15, 0.02], [0.03, 0.22], [0.22, 0.65]];
/** the line turned by up to this many degrees either way (a photo taken askew) */
const MAX_TURN_DEG = 4.5;
/** the share of single digits among the lines: the rest have 2–8 */
const SINGLES = 0.08;
/**
 * the share of lines inked with a pen's crisp edge rather than MNIST's soft gray (their ink cut at a
 * random level), and of lines photographed small (shrunk 2–3× before /read finds them: a long number
 * in a wide photo keeps few pixels a digit). with both, the dev numbers' lines read whole came out
 * exact 67.5% against 60.8% without (66.7% with crisp pens alone)
 */
const CRISP = 0.6;
const SMALL = 0.3;

export interface TrainingLine {
  line: LineImage;
  label: number[];
}

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng.uniform();

/** `count` training lines of digits from `source` (indices below `available`); deterministic for a seeded rng */
export function trainingLines(source: DigitSource, available: number, count: number, rng: Rng): TrainingLine[] {
  const out: TrainingLine[] = [];
  while (out.length < count) {
    const length = rng.uniform() < SINGLES ? 1 : 2 + rng.int(7);
    const drawn = numberLine(source, available, length, rng, GAPS[rng.int(GAPS.length)]);
    if (rng.uniform() < CRISP) crisp(drawn.ink, between(rng, 0.2, 0.7));
    const turned = turn(drawn.ink, drawn.width, drawn.height, between(rng, -MAX_TURN_DEG, MAX_TURN_DEG) * (Math.PI / 180));
    let picture = photograph(turned.ink, turned.width, turned.height, rng);
    if (rng.uniform() < SMALL) picture = shrink(picture, 2 + rng.int(2));
    const line = readableLine(picture);
    if (line) out.push({ line, label: drawn.text });
  }
  return out;
}

/** the line POST /read would read in a picture: all its digit marks straightened, or null when it finds none */
export function readableLine(picture: DecodedImage): LineImage | null {
  try {
    const ink = pictureInk(picture);
    const { labels, marks } = inkMarks(ink);
    return marks.length === 0 ? null : lineImage(ink.ink, labels, marks.map((m) => m.id));
  } catch (e) {
    if (e instanceof ImageError) return null;
    throw e;
  }
}

/** ink (0..255, bright) turned by `angle` radians about its centre, bilinearly, on a canvas grown to hold it */
export function turn(ink: Float32Array, width: number, height: number, angle: number): { ink: Float32Array; width: number; height: number } {
  const c = Math.cos(angle), s = Math.sin(angle);
  const W = Math.ceil(Math.abs(width * c) + Math.abs(height * s)), H = Math.ceil(Math.abs(width * s) + Math.abs(height * c));
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const dx = x - W / 2, dy = y - H / 2;
      const sx = c * dx + s * dy + width / 2, sy = -s * dx + c * dy + height / 2;
      const fx = Math.floor(sx), fy = Math.floor(sy);
      if (fx < 0 || fy < 0 || fx + 1 >= width || fy + 1 >= height) continue;
      const ax = sx - fx, ay = sy - fy, p = fy * width + fx;
      out[y * W + x] = (1 - ay) * ((1 - ax) * ink[p] + ax * ink[p + 1]) + ay * ((1 - ax) * ink[p + width] + ax * ink[p + width + 1]);
    }
  }
  return { ink: out, width: W, height: H };
}

/** a 1-2-1 blur across and down, in place */
function blur(img: Float32Array, w: number, h: number): void {
  const tmp = new Float32Array(img.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) tmp[y * w + x] = (img[y * w + Math.max(0, x - 1)] + 2 * img[y * w + x] + img[y * w + Math.min(w - 1, x + 1)]) / 4;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = (tmp[Math.max(0, y - 1) * w + x] + 2 * tmp[y * w + x] + tmp[Math.min(h - 1, y + 1) * w + x]) / 4;
}

/** ink as a photo of dark ink on paper: up to two blurs, paper 150–250, light falling off by up to 35% across the sheet, sensor noise */
function photograph(ink: Float32Array, w: number, h: number, rng: Rng): DecodedImage {
  const blurs = rng.int(3);
  for (let k = 0; k < blurs; k++) blur(ink, w, h);
  const paper = between(rng, 150, 250);
  const contrast = between(rng, Math.min(60, paper - 20), paper - 10);
  const shade = between(rng, 0, 0.35), angle = between(rng, 0, 2 * Math.PI), noise = between(rng, 0, 8);
  const cx = Math.cos(angle), cy = Math.sin(angle);
  const gray = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const light = 1 - (shade * ((x / w - 0.5) * cx + (y / h - 0.5) * cy + 0.75)) / 1.5;
      const v = (paper - contrast * Math.min(1, ink[y * w + x] / 255)) * light + noise * rng.normal();
      gray[y * w + x] = Math.round(Math.min(255, Math.max(0, v)));
    }
  }
  return { width: w, height: h, gray, alpha: null };
}

/** ink (0..255) as a pen leaves it: a smooth step from paper to full ink around `level` (0..1) of the soft gray, in place */
function crisp(ink: Float32Array, level: number): void {
  const soft = 0.08;
  for (let i = 0; i < ink.length; i++) {
    const t = Math.min(1, Math.max(0, (ink[i] / 255 - level + soft) / (2 * soft)));
    ink[i] = 255 * t * t * (3 - 2 * t);
  }
}

/** a picture box-averaged `f` times smaller each way */
function shrink(p: DecodedImage, f: number): DecodedImage {
  const w = Math.max(1, Math.floor(p.width / f)), h = Math.max(1, Math.floor(p.height / f));
  const gray = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += p.gray[(y * f + dy) * p.width + x * f + dx];
      gray[y * w + x] = Math.round(sum / (f * f));
    }
  }
  return { width: w, height: h, gray, alpha: null };
}

/**
 * a digit source whose digits are varied as the digit model's training varies its own (augment.ts:
 * shift, turn, scale, shear, elastic warp, stroke jitter; then a pen-width change half the time, as
 * degrade.ts draws it), so the reader meets the strokes of fonts and phones the raw images lack.
 * `share` of the digits are varied; the rest come as they are. deterministic for a seeded rng.
 */
export function variedSource(source: DigitSource, rng: Rng, share: number): DigitSource {
  const augment = createAugmenter(DEFAULT_AUGMENT);
  const plain = new Float32Array(D), varied = new Float32Array(D), scratch = new Float32Array(D);
  const { penWidth, minPenSteps, maxPenSteps } = DEFAULT_DEGRADE;
  return (i) => {
    const digit = source(i);
    if (rng.uniform() >= share) return digit;
    for (let k = 0; k < D; k++) plain[k] = digit.image[k] / PIXEL_MAX;
    augment(varied, plain, rng);
    if (rng.uniform() < penWidth) morphBy(varied, scratch, IMAGE_SIDE, IMAGE_SIDE, minPenSteps + rng.uniform() * (maxPenSteps - minPenSteps));
    const image = new Uint8Array(D);
    for (let k = 0; k < D; k++) image[k] = Math.round(PIXEL_MAX * Math.min(1, Math.max(0, varied[k])));
    return { image, label: digit.label };
  };
}

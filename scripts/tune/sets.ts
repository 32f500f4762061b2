import { D, IMAGE_SIDE } from '../../shared/dims';
import { preprocessPixels } from '../../shared/image/preprocess';
import { createRng, type Rng } from '../../shared/rng';
import type { Split } from '../lib/mnist';
import { createCanvas, type Canvas } from './pen';
import { penDigit } from './pen-digits';
import { scribble } from './scribbles';
import { TUNE_LETTERS, writeLetter } from './letters';

// the tuning data of the uncertain flag, made only from training-side sources: MNIST training
// images (or the calibration images held out of training) as digits, and not-digits made here —
// handwritten letters and scribbles of our own generators, and two or three of the digits side by
// side. never the test set or the evaluation sets.

export interface TuneSet {
  name: string;
  digits: boolean; // true: real digits, which should not be flagged
  inputs: Float32Array[]; // the 784 model inputs (0..255) each, as preprocessing makes them
}

const S = IMAGE_SIDE;

const image = (split: Split, i: number) => Float32Array.from(split.images.subarray(i * D, (i + 1) * D));

/** the pad's ink through the shared preprocessing, or null when it comes out blank */
function reduce(c: Canvas): Float32Array | null {
  try {
    return preprocessPixels(c.ink, c.side);
  } catch {
    return null;
  }
}

/** 3×3 cross dilation of a 28×28 image: a thicker pen */
function thicker(img: Float32Array): Float32Array {
  const out = new Float32Array(D);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      let v = img[y * S + x];
      if (x > 0) v = Math.max(v, img[y * S + x - 1]);
      if (x < S - 1) v = Math.max(v, img[y * S + x + 1]);
      if (y > 0) v = Math.max(v, img[(y - 1) * S + x]);
      if (y < S - 1) v = Math.max(v, img[(y + 1) * S + x]);
      out[y * S + x] = v;
    }
  return out;
}

/** 2 or 3 digits of the split written side by side: random gaps (some touching), sizes and baselines */
function severalDigits(split: Split, count: number, rng: Rng): Float32Array | null {
  const side = 128;
  const c = createCanvas(side);
  let x0 = 2;
  for (let n = 0; n < count; n++) {
    const i = rng.int(split.count);
    const scale = n === 0 ? 1 : 0.75 + 0.5 * rng.uniform();
    const size = Math.round(S * scale);
    const y0 = 40 + Math.round((rng.uniform() - 0.5) * 12);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const v = split.images[i * D + Math.min(S - 1, Math.floor(y / scale)) * S + Math.min(S - 1, Math.floor(x / scale))];
        const at = (y0 + y) * side + x0 + x;
        if (x0 + x < side && v > c.ink[at]) c.ink[at] = v;
      }
    // mnist digits sit in a 20×20 box with 4 px of margin: the next one starts past this one's box, by -4..10 px
    x0 += Math.round(24 * scale) - 4 + Math.round(-4 + 14 * rng.uniform());
  }
  return reduce(c);
}

function collect(name: string, digits: boolean, n: number, make: (k: number) => Float32Array | null): TuneSet {
  const inputs: Float32Array[] = [];
  for (let k = 0; k < n; k++) {
    const x = make(k);
    if (x) inputs.push(x);
  }
  return { name, digits, inputs };
}

/** how the run changes a training image (0..1 values, 784) before the network sees it: its augmentation and degradation */
export type TrainingTransform = (out: Float32Array, inp: Float32Array, rng: Rng) => void;

/** what the run trains on beyond MNIST as it is, so that none of it is flagged */
export interface RunDigits {
  transform?: TrainingTransform; // the run's augmentation and degradation
  printed?: Split; // its synthetic printed digits (--font-digits)
}

/** per kind, n pictures made from `digits` (a split of training or held-out images) with a seeded generator */
export function tuneSets(digits: Split, n: number, seed: number, run: RunDigits = {}): TuneSet[] {
  const rng = createRng(seed);
  const pick = () => rng.int(digits.count);
  /** a 28×28 image (0..255) as the run would change it */
  const through = (transform: TrainingTransform, img: Float32Array) => {
    const inp = Float32Array.from(img, (v) => v / 255), out = new Float32Array(D);
    transform(out, inp, rng);
    for (let d = 0; d < D; d++) out[d] = Math.min(255, Math.max(0, out[d] * 255));
    return out;
  };
  const transformed = (transform: TrainingTransform) => through(transform, image(digits, pick()));
  // half of the not-digits go through the run's changes as well, so that blur, low resolution or
  // noise never tell a digit from a not-digit by themselves
  const alike = (x: Float32Array | null) => (x && run.transform && rng.uniform() < 0.5 ? through(run.transform, x) : x);
  const extra: TuneSet[] = [];
  if (run.transform) extra.push(collect('digits as the run trains on them', true, n, () => transformed(run.transform!)));
  if (run.printed) extra.push(collect('printed digits of the training fonts', true, Math.min(n, run.printed.count), () => image(run.printed!, rng.int(run.printed!.count))));
  return [
    collect('digits as they are', true, Math.min(n, digits.count), (k) => image(digits, k)),
    ...extra,
    collect('digits, a thicker pen', true, n, () => thicker(image(digits, pick()))),
    collect('digits traced with a pad pen', true, n, () => reduce(penDigit(image(digits, pick()), rng))),
    collect('handwritten letters', false, n, () => alike(reduce(writeLetter(TUNE_LETTERS[rng.int(TUNE_LETTERS.length)], rng)))),
    collect('scribbles', false, n, () => alike(reduce(scribble(rng)))),
    collect('two or three digits side by side', false, n, () => alike(severalDigits(digits, 2 + (rng.uniform() < 0.25 ? 1 : 0), rng))),
  ];
}

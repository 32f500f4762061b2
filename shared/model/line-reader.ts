import { K } from '../dims';
import type { LineImage } from '../image/line';
import { decodeModel, ModelFormatError } from './format';
import { ctcGreedy, ctcLogProbability } from './kernels/ctc';
import { convLayers, createLineWorkspace, frameCentre, lineStride, type LineWorkspace } from './line-frames';
import { lineForwardRead } from './line-fold';
import type { Network } from './network';

// the line reader: digits that touch or overlap read without cutting them apart. a small
// convolutional network reads a line (shared/image/line.ts) as a blank or a digit every few columns
// (shared/model/line-frames.ts), trained with CTC (kernels/ctc.ts) on whole lines, so it learns where
// digits are as well as what they are. POST /read asks it about each group of ink wider than a third of
// its height, and an arbiter chooses between its reading and the lattice's cuts (read.ts).

/** a frame's classes: the blank (no digit centred here), then the digits */
export const LINE_CLASSES = K + 1;

export interface LineReader {
  network: Network; // convolutions then dense layers over a 28×28 window, LINE_CLASSES out
  inputScale: number;
  version: string;
}

export interface LineReading {
  digits: number[];
  /** the line column at the centre of each digit's first frame on the best path */
  columns: number[];
  /** each digit's highest probability over its run of frames */
  confidence: number[];
  /** how well the frames fit another reading of the same line (natural log; ≤ 0) */
  logProbability(digits: readonly number[]): number;
  /** how well they fit this reading */
  ownLogProbability: number;
}

const workspaces = new WeakMap<Network, LineWorkspace>();

/** one reading of a line's frames at one phase: its best path, where each digit's run starts, and its frames */
interface PhaseReading {
  probs: Float32Array;
  T: number;
  digits: number[];
  columns: number[];
  confidence: number[];
}

function readPhase(reader: LineReader, line: LineImage, ws: LineWorkspace, phase: number): PhaseReading {
  const read = lineForwardRead(reader.network, line, reader.inputScale, ws, phase);
  const probs = read.probs.slice();
  const T = read.geometry.T;
  const frames: number[] = [];
  const digits = ctcGreedy(probs, T, LINE_CLASSES, frames);
  // a digit's confidence: its highest probability over the run of frames the best path gives it
  const confidence = digits.map((d, i) => {
    let best = 0;
    for (let t = frames[i]; t < T; t++) {
      const p = probs[t * LINE_CLASSES + d + 1];
      if (t > frames[i] && p < 0.5 * best) break;
      if (p > best) best = p;
    }
    return best;
  });
  return { probs, T, digits, columns: frames.map((t) => frameCentre(read.geometry, t)), confidence };
}

/**
 * the digits of a line, and how to score other readings of it. with `phases` > 1 the frames are read
 * again with the line shifted by stride / phases columns each time (line-frames.ts: a frame every 4
 * columns sees a digit from where it happens to fall): each reading's best path is a candidate, and
 * the one the phases together find likeliest (mean log-probability) wins. on the dev numbers' lines, 2
 * phases read 66.5% exactly against 60.8% for one, 4 phases 68.8%; each costs one more pass.
 */
export function readLine(reader: LineReader, line: LineImage, phases = 1): LineReading {
  let ws = workspaces.get(reader.network);
  if (!ws) workspaces.set(reader.network, (ws = createLineWorkspace()));
  const stride = lineStride(reader.network);
  const reads: PhaseReading[] = [];
  for (let k = 0; k < phases; k++) reads.push(readPhase(reader, line, ws, Math.floor((k * stride) / phases)));
  const logProbability = (label: readonly number[]) => {
    if (label.length === 0) return -Infinity;
    let sum = 0;
    for (const r of reads) sum += ctcLogProbability(r.probs, r.T, LINE_CLASSES, label);
    return sum / reads.length;
  };
  let best = reads[0], bestScore = logProbability(best.digits);
  for (const r of reads.slice(1)) {
    if (r.digits.join('') === best.digits.join('')) continue;
    const score = logProbability(r.digits);
    if (score > bestScore) [best, bestScore] = [r, score];
  }
  return { digits: best.digits, columns: best.columns, confidence: best.confidence, logProbability, ownLogProbability: bestScore };
}

/** a line reader's model file, checked as a digit model's is (checksum, sizes, finite weights) */
export async function decodeLineReader(bytes: Uint8Array): Promise<LineReader> {
  const { network, header, version } = await decodeModel(bytes, 'line');
  if (convLayers(network) === 0) throw new ModelFormatError('this line reader reads windows with dense layers only, which this version no longer reads: retrain it with `npm run train:reader`');
  return { network, inputScale: header.architecture.inputScale, version };
}

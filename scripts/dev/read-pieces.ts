// dev: how far cutting can get on lines whose every pixel is known to belong to one digit: lines of
// 2–4 (--longest) mnist TEST digits that touch (gap −12%..0 of the height, as the touching number sets), drawn by
// shared/train/number-pieces.ts numberLine and cut by /read's lattice. for each line: is there a path
// of candidates each holding one digit whole (the pieces' own labels), and does the classifier read
// every one of them right? (on the number sets the second is what scripts/dev/read-lattice.ts counts)
// npx tsx scripts/dev/read-pieces.ts [--model FILE] [--lines 300] [--longest 4: lines of 2 to this many digits]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { D } from '../../shared/dims';
import { ImageError } from '../../shared/image/decoded';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { READ_SIDE, type Candidate } from '../../shared/model/read';
import { createRng } from '../../shared/rng';
import { labelPieces, numberLine } from '../../shared/train/number-pieces';
import { loadMnist } from '../lib/mnist';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'models/default.bin' }, lines: { type: 'string', default: '300' }, longest: { type: 'string', default: '4' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync(values.model!))));
const { test } = loadMnist();
const source = (i: number) => ({ image: test.images.subarray(i * D, (i + 1) * D), label: test.labels[i] });
const rng = createRng(77);

/** is there a path through the lattice whose k-th candidate passes ok(k, candidate index)? */
function reachable(candidates: Candidate[], length: number, ok: (k: number, b: number) => boolean): boolean {
  const nodes = Math.max(...candidates.map((c) => c.to)) + 1;
  const reach = Array.from({ length: nodes }, () => new Array<boolean>(length + 1).fill(false));
  reach[0][0] = true;
  const order = candidates.map((_, b) => b).sort((a, b) => candidates[a].to - candidates[b].to);
  for (const b of order) {
    const c = candidates[b];
    for (let k = 0; k < length; k++) if (reach[c.from][k] && ok(k, b)) reach[c.to][k + 1] = true;
  }
  return reach[nodes - 1][length];
}

let lines = 0, refused = 0, cut = 0, read = 0;
for (let t = 0; t < Number(values.lines); t++) {
  const line = numberLine(source, test.count, 2 + rng.int(Number(values.longest) - 1), rng, [-0.12, 0]);
  if (line.width > READ_SIDE) continue; // the reader would reduce it first: too long for a line this high
  let pieces: ReturnType<typeof labelPieces>;
  try {
    pieces = labelPieces(line);
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    refused++;
    continue;
  }
  lines++;
  const packed = new Float32Array(pieces.length * D);
  pieces.forEach((p, b) => packed.set(p.input, b * D));
  const predictions = predictor.predictPacked(packed, pieces.length);
  const candidates = pieces.map((p) => p.candidate);
  if (reachable(candidates, line.text.length, (k, b) => pieces[b].label === line.text[k])) cut++;
  if (reachable(candidates, line.text.length, (k, b) => pieces[b].label === line.text[k] && predictions[b].digit === line.text[k])) read++;
}
const pct = (n: number) => `${((100 * n) / lines).toFixed(1)}%`;
console.log(`${values.model}: ${lines} touching lines (${refused} more refused as a filled shape): every digit cut out whole on some path ${cut} (${pct(cut)}), and each of those read right ${read} (${pct(read)})`);

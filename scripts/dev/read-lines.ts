// dev: when the line reader's reading of a group of touching digits should replace the cuts' (shared/model/read.ts
// LINE_READ_ASPECT, LINE_MARGIN), on the dev numbers (mnist TRAINING digits, as scripts/dev/read-dev.ts makes
// them): every number's lattice and each of its groups' line readings once, then the rule's thresholds swept.
// npx tsx scripts/dev/read-lines.ts [--count 150] [--reader FILE] [--salt N: other dev numbers]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { D } from '../../shared/dims';
import { ImageError } from '../../shared/image/decoded';
import { lineImage } from '../../shared/image/line';
import { boxHeight, boxWidth, type Group } from '../../shared/image/segment';
import { decodeModel } from '../../shared/model/format';
import { decodeLineReader, readLine } from '../../shared/model/line-reader';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { predictorFor } from '../../shared/model/predict';
import { bestPath, latticeCandidates, pictureInk } from '../../shared/model/read';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { count: { type: 'string', default: '150' }, reader: { type: 'string' }, salt: { type: 'string', default: '0' }, model: { type: 'string', default: 'models/default.bin' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync(values.model!))));
const reader = values.reader ? await decodeLineReader(new Uint8Array(readFileSync(values.reader))) : await bundledLineReader();
const sources = loadSources(loadMnist().train);

/** one group on a number's best path: what the cuts read, and what the line reader reads and by how much it prefers it */
interface Part {
  cuts: string;
  aspect: number;
  line: string;
  gain: number;
}
const items: { text: string; gap: string; parts: Part[] | null }[] = [];
for (const r of NUMBER_RECIPES) {
  const set = generateNumberSet({ ...r, name: r.name.replace('numbers', 'dev'), count: Number(values.count), seed: r.seed ^ 0xde7 ^ Number(values.salt) }, sources);
  for (const it of set.items) {
    let parts: Part[] | null = null;
    try {
      const picture = pictureInk(it.image);
      const lattice = latticeCandidates(picture);
      const packed = new Float32Array(lattice.candidates.length * D);
      lattice.candidates.forEach((c, b) => packed.set(c.input, b * D));
      predictor.predictPacked(packed, lattice.candidates.length).forEach((p, b) => (lattice.candidates[b].prediction = p));
      const { path } = bestPath(lattice.nodes, lattice.candidates);
      // the path's groups in order, each with what its cuts read
      const groups: { group: Group; cuts: string }[] = [];
      for (const c of path) {
        if (groups.at(-1)?.group !== c.piece.group) groups.push({ group: c.piece.group, cuts: '' });
        groups[groups.length - 1].cuts += c.prediction!.digit;
      }
      parts = groups.map(({ group, cuts }) => {
        const read = readLine(reader, lineImage(picture.ink, lattice.labels, group.marks));
        return { cuts, aspect: boxWidth(group) / boxHeight(group), line: read.digits.join(''), gain: read.ownLogProbability - read.logProbability([...cuts].map(Number)) };
      });
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
    }
    items.push({ text: it.text, gap: it.gap, parts });
  }
}

function score(minAspect: number, margin: number): string {
  const by: Record<string, [number, number]> = { all: [0, 0], touching: [0, 0], close: [0, 0], wide: [0, 0] };
  for (const it of items) {
    const text = it.parts?.map((p) => (p.aspect > minAspect && p.line.length > 0 && p.gain > margin ? p.line : p.cuts)).join('') ?? '';
    for (const k of ['all', it.gap]) {
      by[k][1]++;
      if (text === it.text) by[k][0]++;
    }
  }
  return Object.entries(by).map(([k, [a, n]]) => `${k} ${((100 * a) / n).toFixed(1)}%`).join('  ');
}
console.log(`${'cuts only'.padEnd(24)}${score(Infinity, 0)}`);
for (const aspect of [0.8, 0.9, 1.1]) for (const margin of [2, 4, 6, 8, 10, 12]) console.log(`${`aspect > ${aspect}, margin ${margin}`.padEnd(24)}${score(aspect, margin)}`);

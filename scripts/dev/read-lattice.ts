// dev: how often the reading lattice (shared/model/read.ts readLattice) holds the right number at all,
// on the dev numbers (mnist TRAINING digits), by gap: what better cut scoring could reach at most.
// npx tsx scripts/dev/read-lattice.ts [--count 150]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ImageError } from '../../shared/image/decoded';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { pictureInk, readLattice, type Candidate } from '../../shared/model/read';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { count: { type: 'string', default: '150' }, model: { type: 'string', default: 'models/default.bin' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync(values.model!))));
const sources = loadSources(loadMnist().train);

/** can a path of candidates read `text`, each candidate's digit among its top `k`? and can any path have text.length digits? */
function reach(nodes: number, cands: Candidate[], text: string, k: number): boolean {
  const ok: boolean[][] = Array.from({ length: nodes }, () => new Array(text.length + 1).fill(false));
  ok[0][0] = true;
  const sorted = [...cands].sort((a, b) => a.to - b.to);
  for (const c of sorted) {
    const top = c.prediction!.probabilities.map((p, d) => [p, d]).sort((a, b) => b[0] - a[0]).slice(0, k).map((x) => x[1]);
    for (let n = 0; n < text.length; n++) if (ok[c.from][n] && (k >= 10 || top.includes(Number(text[n])))) ok[c.to][n + 1] = true;
  }
  return ok[nodes - 1][text.length];
}
const tally = new Map<string, number[]>();
for (const r of NUMBER_RECIPES) {
  const set = generateNumberSet({ ...r, name: r.name.replace('numbers', 'dev'), count: Number(values.count), seed: r.seed ^ 0xde7 }, sources);
  for (const it of set.items) {
    const t = tally.get(it.gap) ?? [0, 0, 0, 0];
    t[0]++;
    try {
      const L = readLattice(pictureInk(it.image), predictor);
      if (reach(L.nodes, L.candidates, it.text, 10)) t[1]++;
      if (reach(L.nodes, L.candidates, it.text, 2)) t[2]++;
      if (reach(L.nodes, L.candidates, it.text, 1)) t[3]++;
    } catch (e) {
      if (!(e instanceof ImageError)) throw e;
    }
    tally.set(it.gap, t);
  }
}
for (const [gap, [n, len, top2, top1]] of tally) console.log(`${gap}: ${n} numbers; a path of the right length ${len}, right in top-2 ${top2}, right in top-1 ${top1}`);

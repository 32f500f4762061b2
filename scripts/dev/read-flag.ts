// dev: how the number's `uncertain` flag (ambiguous_split) would split the dev numbers (mnist TRAINING
// digits) under other rules: the share left unflagged and how many of those are exact.
// npx tsx scripts/dev/read-flag.ts
import { readFileSync } from 'node:fs';
import { ImageError } from '../../shared/image/decoded';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { bestPath, pictureInk, readLattice, type Lattice } from '../../shared/model/read';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const sources = loadSources(loadMnist().train);
const rows: { ok: boolean; margin: number; alt: boolean; capped: boolean; unc: boolean; maxAspect: number; gap: string }[] = [];
for (const r of NUMBER_RECIPES) {
  for (const it of generateNumberSet({ ...r, name: 'dev', count: 150, seed: r.seed ^ 0xde7 }, sources).items) {
    let L: Lattice;
    try { L = readLattice(pictureInk(it.image), predictor); } catch (e) { if (e instanceof ImageError) continue; throw e; }
    const { path, margin } = bestPath(L.nodes, L.candidates);
    rows.push({ ok: path.map((c) => c.prediction!.digit).join('') === it.text, margin, alt: L.alternatives, capped: L.capped, unc: path.some((c) => c.prediction!.uncertain), maxAspect: Math.max(...path.map((c) => c.aspect)), gap: it.gap });
  }
}
const rule = (name: string, f: (r: (typeof rows)[0]) => boolean) => {
  const kept = rows.filter((r) => !f(r));
  console.log(`${name}: not flagged ${((100 * kept.length) / rows.length).toFixed(1)}%, exact when not flagged ${((100 * kept.filter((r) => r.ok).length) / kept.length).toFixed(1)}%, touching not flagged & wrong ${kept.filter((r) => !r.ok && r.gap === 'touching').length}`);
};
rule('today', (r) => r.unc || r.capped || (r.alt && r.margin < Math.log(4)));
for (const a of [0.8, 0.9, 1.0, 1.1]) rule(`+ aspect > ${a}`, (r) => r.unc || r.capped || (r.alt && r.margin < Math.log(4)) || r.maxAspect > a);
for (const m of [2, 3, 4]) rule(`margin ${m}`, (r) => r.unc || r.capped || (r.alt && r.margin < m));

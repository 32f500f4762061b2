// the evaluation-set rows of npm run robustness: accuracy per digit set for each model side by side,
// and for the out-of-distribution sets how often the top probability falls below each threshold.
import type { Network } from '../../shared/model/network';
import { loadEvalSets } from './manifest';
import { preprocessSet, scoreSet, type SetScore } from './score';
import type { EvalSet } from './set';

export interface ScoredModel {
  path: string;
  network: Network;
  inputScale: number;
}

export const DEFAULT_THRESHOLDS = [0.5, 0.7, 0.9] as const;

const NAME = 28;
const COLUMN = 30;
const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;
const row = (name: string, cells: string[]) => `${name.padEnd(NAME)}${cells.map((c) => c.padStart(COLUMN)).join('')}`;

/** prints the evaluation-set tables; returns the scores, per set then per model */
export function printEvalSets(models: ScoredModel[], names?: readonly string[], thresholds: readonly number[] = DEFAULT_THRESHOLDS): Map<string, SetScore[]> {
  const sets: EvalSet[] = loadEvalSets(names);
  const scores = new Map<string, SetScore[]>();
  for (const set of sets) {
    const inputs = preprocessSet(set);
    scores.set(set.name, models.map((m) => scoreSet(m.network, m.inputScale, set, inputs, thresholds)));
  }
  const digitSets = sets.filter((s) => s.kind === 'digits');
  const oodSets = sets.filter((s) => s.kind === 'ood');

  if (digitSets.length) {
    console.log('\nevaluation sets (data/eval), each picture read as the Worker reads a png; a 422 counts as wrong');
    for (const s of digitSets) {
      const cells = scores.get(s.name)!.map((sc) => `${pct(sc.accuracy)}${sc.rejected ? ` (422: ${pct(sc.rejected)})` : ''}`);
      console.log(row(`${s.name} (${s.items.length})`, cells));
    }
    const mean = models.map((_, m) => digitSets.reduce((sum, s) => sum + scores.get(s.name)![m].accuracy, 0) / digitSets.length);
    console.log(row('mean of these sets', mean.map((v) => pct(v))));
  }

  const flags = (sc: SetScore) => `${sc.below.map((b) => pct(b, 0)).join(' / ')} · ${sc.meanTop.toFixed(2)}`;
  if (oodSets.length) {
    console.log(`\nnot digits: share with top probability below ${thresholds.join(' / ')} (a 422 counts as below) · mean top probability`);
    for (const s of oodSets) console.log(row(`${s.name} (${s.items.length})`, scores.get(s.name)!.map(flags)));
  }
  if (oodSets.length && digitSets.length) {
    // the same thresholds on real digits: how often an uncertain flag would fire by mistake
    const pooled = models.map((_, m) => {
      const all = digitSets.map((s) => scores.get(s.name)![m]);
      const n = all.reduce((c, sc) => c + sc.count, 0);
      return {
        below: thresholds.map((_, t) => all.reduce((c, sc) => c + sc.below[t] * sc.count, 0) / n),
        meanTop: all.reduce((c, sc) => c + sc.meanTop * sc.count * (1 - sc.rejected), 0) / all.reduce((c, sc) => c + sc.count * (1 - sc.rejected), 0),
      } as SetScore;
    });
    console.log(row('digits, every set above', pooled.map(flags)));
  }
  return scores;
}

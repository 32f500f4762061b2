// data/eval/sets.json: what each evaluation set is and the sha-256 it must hash to, so a set can
// never change without the change showing up in a commit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../lib/mnist';
import { RECIPES, recipe } from './categories';
import { EVAL_DATA_DIR } from './glyphs';
import { generateSet, hashSet, loadSources, type EvalSet, type SetKind, type Sources } from './set';

export const MANIFEST_FILE = join(EVAL_DATA_DIR, 'sets.json');
export const MANIFEST_VERSION = 1;
/** npm test regenerates this many pictures of each set and checks their hash (the whole sets take a minute) */
export const PREFIX_COUNT = 50;

export interface ManifestEntry {
  name: string;
  kind: SetKind;
  count: number;
  seed: number;
  about: string;
  /** sha-256 of the whole set (hashSet) */
  sha256: string;
  /** sha-256 of its first PREFIX_COUNT pictures */
  prefixSha256: string;
}

export interface Manifest {
  version: number;
  sets: ManifestEntry[];
}

export class EvalSetError extends Error {}

export function readManifest(path = MANIFEST_FILE): Manifest {
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (m.version !== MANIFEST_VERSION) throw new EvalSetError(`${path}: version ${m.version}, expected ${MANIFEST_VERSION}; run npm run eval:build`);
  return m;
}

export function writeManifest(sets: EvalSet[], path = MANIFEST_FILE): Manifest {
  const m: Manifest = {
    version: MANIFEST_VERSION,
    sets: sets.map((s) => {
      const r = recipe(s.name);
      const prefix = { ...s, items: s.items.slice(0, PREFIX_COUNT) };
      return { name: r.name, kind: r.kind, count: r.count, seed: r.seed, about: r.about, sha256: hashSet(s), prefixSha256: hashSet(prefix) };
    }),
  };
  writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
  return m;
}

/** generates the named sets (all by default) and checks each against its recorded sha-256 */
export function loadEvalSets(names: readonly string[] = RECIPES.map((r) => r.name), sources: Sources = loadSources(loadMnist().test)): EvalSet[] {
  const manifest = readManifest();
  return names.map((name) => {
    const set = generateSet(recipe(name), sources);
    const expected = manifest.sets.find((e) => e.name === name)?.sha256;
    const got = hashSet(set);
    if (got !== expected) {
      throw new EvalSetError(`evaluation set "${name}" hashes to ${got.slice(0, 12)}…, but ${MANIFEST_FILE} records ${expected ? `${expected.slice(0, 12)}…` : 'nothing'}: the generator, its seed or its sources changed. if that was intended, run npm run eval:build and commit data/eval/sets.json`);
    }
    return set;
  });
}

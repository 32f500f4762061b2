// npm run eval:build [-- --extract] [--sheets DIR] [--check]: (re)generates the evaluation sets and
// records their sha-256 in data/eval/sets.json. --extract first re-reads the glyph outlines from the
// installed Debian font packages (data/eval/README.md lists them); --sheets writes a contact sheet
// per set; --check compares with the recorded hashes instead of writing them (exit 2 on a mismatch).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnist } from '../lib/mnist';
import { runCli } from '../lib/cli';
import { RECIPES } from './categories';
import { extractGlyphs } from './extract-glyphs';
import { MANIFEST_FILE, readManifest, writeManifest } from './manifest';
import { generateSet, hashSet, loadSources } from './set';
import { writeSheet } from './sheet';

runCli(async () => {
  const { values } = parseArgs({ options: { extract: { type: 'boolean' }, sheets: { type: 'string' }, check: { type: 'boolean' } } });
  if (values.extract) console.log(`extracted ${extractGlyphs().length} fonts' glyphs into data/eval/glyphs/`);
  const sources = loadSources(loadMnist().test);
  const sets = RECIPES.map((r) => {
    const start = performance.now();
    const set = generateSet(r, sources);
    console.log(`${r.name.padEnd(18)} ${String(set.items.length).padStart(5)} pictures  ${hashSet(set).slice(0, 16)}…  ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return set;
  });
  if (values.sheets) {
    mkdirSync(values.sheets, { recursive: true });
    for (const s of sets) writeSheet(join(values.sheets, `${s.name}.png`), s.items.slice(0, 200).map((it) => it.image));
    console.log(`contact sheets (first 200 of each set) in ${values.sheets}/`);
  }
  if (values.check) {
    const recorded = readManifest();
    const changed = sets.filter((s) => recorded.sets.find((e) => e.name === s.name)?.sha256 !== hashSet(s));
    if (changed.length) {
      console.error(`changed since ${MANIFEST_FILE} was written: ${changed.map((s) => s.name).join(', ')}`);
      return 2;
    }
    console.log(`every set matches ${MANIFEST_FILE}`);
    return 0;
  }
  writeManifest(sets);
  console.log(`wrote ${MANIFEST_FILE}`);
});

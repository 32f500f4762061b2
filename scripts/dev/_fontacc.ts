import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/model/format';
import { evaluate } from '../lib/evaluate';
import { fontTrainingSet } from '../synth/font-set';
const set = fontTrainingSet(20, 99, process.argv[2]);
for (const p of process.argv.slice(3)) {
  const m = await decodeModel(new Uint8Array(readFileSync(p)));
  const e = evaluate(m.network, set, m.header.architecture.inputScale);
  console.log(p, 'font digits acc', (100 * e.accuracy).toFixed(2), 'per class recall', e.perClass.map((c) => (100 * c.recall).toFixed(0)).join(' '));
}

import { readFileSync } from 'node:fs';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { evaluate } from '../lib/evaluate';
import { loadMnist } from '../lib/mnist';
const test = loadMnist(undefined, false).test;
for (const p of process.argv.slice(2)) {
  const m = await decodeModel(new Uint8Array(readFileSync(p)));
  const s = m.header.architecture.inputScale;
  const q = await decodeModel(await encodeModel(m.network, m.header.metadata, 'int8', s));
  console.log(p, 'float32', evaluate(m.network, test, s).accuracy, 'int8', evaluate(q.network, test, s).accuracy, 'bytes', m.bytes, q.bytes);
}

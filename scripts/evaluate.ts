// npm run evaluate -- [model file] [--min-accuracy X]: scores a model file on the 10,000 MNIST test images.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeModel } from '../shared/model/format';
import { inputSpecOf } from '../shared/model/input';
import { evaluate, formatConfusion } from './lib/evaluate';
import { percent } from './lib/format';
import { DEFAULT_MNIST_DIR, loadMnist } from './lib/mnist';
import { runCli } from './lib/cli';

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'min-accuracy': { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
  });
  const path = positionals[0] ?? 'runs/latest/model.bin';
  const min = values['min-accuracy'] === undefined ? null : Number(values['min-accuracy']);
  if (min !== null && !(min >= 0 && min <= 1)) throw new Error(`--min-accuracy must be a number in 0..1, got "${values['min-accuracy']}"`);
  const model = await decodeModel(new Uint8Array(readFileSync(path)));
  const data = loadMnist(values.data ?? DEFAULT_MNIST_DIR);
  const r = evaluate(model.network, data.test, inputSpecOf(model.header));
  if (values.json) {
    console.log(JSON.stringify({ version: model.version, accuracy: r.accuracy, loss: r.loss, perClass: r.perClass, confusion: r.confusion }));
  } else {
    console.log(`${path}: version ${model.version}, ${model.header.dtype}, ${model.header.architecture.sizes.join('-')}`);
    console.log(`test accuracy ${percent(r.accuracy)} (${Math.round(r.accuracy * r.count)}/${r.count}), mean loss ${r.loss.toFixed(4)}\n`);
    console.log('digit  precision  recall');
    for (const c of r.perClass) console.log(`${String(c.digit).padStart(5)}  ${percent(c.precision).padStart(9)}  ${percent(c.recall).padStart(7)}`);
    console.log(`\nconfusion matrix (rows: true digit, columns: predicted)\n${formatConfusion(r.confusion)}`);
  }
  if (min !== null && r.accuracy < min) {
    console.error(`\ntest accuracy ${percent(r.accuracy)} is below --min-accuracy ${percent(min)}`);
    return 2;
  }
});

// refits a trained model's temperature and uncertainty probe with the current code, without
// retraining (the weights stay byte for byte): npx tsx scripts/dev/refit.ts in.bin out.bin [--preset NAME]
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import { loadMnist } from '../lib/mnist';
import { fitAfterTraining } from '../train/after-training';
import { parseCli } from '../train/cli';
import { describeFitted } from '../train/outcome';
import { evaluate } from '../lib/evaluate';

const [input, output, ...flags] = process.argv.slice(2);
const model = await decodeModel(new Uint8Array(readFileSync(input)));
const { config } = parseCli(flags);
const data = loadMnist();
const spec = inputSpecOf(model.header);
const fitted = fitAfterTraining(config, model.network, data.train, spec);
const test = evaluate(model.network, data.test, spec, fitted.calibration?.temperature ?? 1);
for (const line of describeFitted({ fitted, test, uncalibratedEce: evaluate(model.network, data.test, spec).ece })) console.log(line);
writeFileSync(output, await encodeModel(model.network, model.header.metadata, model.header.dtype, spec, fitted));
console.log(`wrote ${output}`);

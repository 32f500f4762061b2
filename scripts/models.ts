// npm run models -- [--remote]: the uploaded model versions, newest upload first, with the accuracy the
// uploader measured and the upload date (a model uploaded before dates were recorded shows the date its
// file claims, and none when that is the reproducible build's 1970-01-01).
import { parseArgs } from 'node:util';
import { listedLine, listModels } from './lib/registry';
import { runCli } from './lib/cli';
import { describeTarget, targetOf, TARGET_OPTIONS } from './lib/target';

runCli(async () => {
  const { values } = parseArgs({ options: { ...TARGET_OPTIONS, json: { type: 'boolean' } } });
  const target = targetOf(values);
  const models = await listModels(target);
  if (values.json) {
    console.log(JSON.stringify(models, null, 2));
    return;
  }
  console.log(`${models.length} model${models.length === 1 ? '' : 's'} in ${describeTarget(target)}`);
  for (const m of models) console.log(listedLine(m));
  if (models.length) console.log('* current');
});

// npm run models -- [--remote]: the uploaded model versions, newest first.
import { parseArgs } from 'node:util';
import { listModels } from './lib/registry';
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
  for (const m of models) {
    console.log(
      `${m.current ? '*' : ' '} ${m.version}  ${(m.testAccuracy * 100).toFixed(2)}%  ${m.dtype.padEnd(7)}  ${m.sizes.join('-').padEnd(14)}  ${(m.bytes / 1024).toFixed(0).padStart(5)} KiB  ${m.createdAt}`,
    );
  }
  if (models.length) console.log('* current');
});

// npm run upload -- [model.bin] [--remote] [--force]: stores a model under its immutable
// version key, reads it back, then makes it the current model.
import { parseArgs } from 'node:util';
import { uploadModel } from './lib/registry';
import { describeTarget, runCli, targetOf, TARGET_OPTIONS } from './lib/target';

const USAGE = `usage: npm run upload -- [model file, default runs/latest/model.bin] [--remote] [--force]
  --remote       the deployed namespace (needs wrangler login and the namespace id in wrangler.toml)
  --local        the local store \`wrangler dev\` reads (default)
  --persist-to   a local store folder other than .wrangler/state
  --force        upload even if the model's test accuracy is below the current one's`;

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { ...TARGET_OPTIONS, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length > 1) {
    console.log(USAGE);
    return values.help ? 0 : 64;
  }
  const path = positionals[0] ?? 'runs/latest/model.bin';
  const target = targetOf(values);
  const { model, previous, alreadyCurrent } = await uploadModel(path, target, values.force ?? false);
  const acc = (model.header.metadata.testAccuracy * 100).toFixed(2);
  if (alreadyCurrent) console.log(`${model.version} (${acc}%) is already the current model in ${describeTarget(target)}`);
  else console.log(`${model.version} (${model.header.dtype}, ${model.header.architecture.sizes.join('-')}, test accuracy ${acc}%) is now current in ${describeTarget(target)}${previous ? `; previous: ${previous.version}` : ''}`);
});

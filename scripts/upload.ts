// npm run upload -- [model.bin] [--remote] [--force]: checks a model as a Worker would, scores it on the
// MNIST test set, stores it under its immutable version key, reads it back, then makes it current.
import { parseArgs } from 'node:util';
import { forwardMultiplyAdds } from '../shared/model/budget';
import { runCli } from './lib/cli';
import { uploadModel } from './lib/registry';
import { describeTarget, targetOf, TARGET_OPTIONS } from './lib/target';

const USAGE = `usage: npm run upload -- [model file, default runs/latest/model.bin] [--remote] [--force]
  --remote       the deployed namespace (needs wrangler login and the namespace id in wrangler.toml)
  --local        the local store \`wrangler dev\` reads (default)
  --persist-to   a local store folder other than .wrangler/state
  --force        upload even if the model scores below the current one, or the current one cannot be read
a model a Worker would refuse (over the budget in shared/model/budget.ts, or activations that can overflow) is never uploaded.
while it runs it holds lock/publish in KV: another upload or rollback is refused until it has finished, and it
refuses to move the pointer if that moved since it was read (run it again then).`;

const pct = (a: number) => `${(a * 100).toFixed(2)}%`;

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { ...TARGET_OPTIONS, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length > 1) {
    console.log(USAGE);
    return values.help ? 0 : 64;
  }
  const path = positionals[0] ?? 'runs/latest/model.bin';
  const target = targetOf(values);
  const force = values.force ?? false;
  const { model, accuracy, previous, live, alreadyCurrent } = await uploadModel(path, target, force);
  const { dtype, architecture, paramCount, metadata } = model.header;
  const claim = metadata.testAccuracy;
  const claimed = claim === accuracy ? 'as its file says' : claim === undefined ? 'its file claims no figure' : `its file says ${pct(claim)}; the Worker shows the figure scored here`;
  const against = live
    ? `; the live model ${live.version} scored ${pct(live.accuracy)} the same way`
    : alreadyCurrent ? '' : previous ? ' (not compared with the live model: --force)' : ' (no live model to compare with)';
  console.log(`${path}: ${pct(accuracy)} on the 10,000 MNIST test images, scored here (${claimed})${against}`);
  if (alreadyCurrent) {
    console.log(`${model.version} is already the current model in ${describeTarget(target)}`);
    return;
  }
  const cost = `${paramCount.toLocaleString('en-US')} parameters, ${forwardMultiplyAdds(architecture.sizes).toLocaleString('en-US')} multiply-adds an image, ${(model.bytes / 1024).toFixed(0)} KiB`;
  console.log(`${model.version} (${dtype}, ${architecture.sizes.join('-')}: ${cost}, within a Worker's budget) is now current in ${describeTarget(target)}${previous ? `; previous: ${previous.version}` : ''}`);
});

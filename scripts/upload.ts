// npm run upload -- [model.bin] [--remote] [--force]: checks a model as a Worker would, scores it on the
// MNIST test set, stores it under its immutable version key, reads it back, then makes it current.
import { parseArgs } from 'node:util';
import { forwardMultiplyAdds } from '../shared/model/budget';
import { runCli } from './lib/cli';
import { uploadModel } from './lib/registry';
import { describeTarget, targetOf, TARGET_OPTIONS } from './lib/target';
import { KV_PROPAGATION_SECONDS, refreshSeconds, waitServed, whenLive } from './lib/wait-served';
import { DEFAULT_URL } from './lib/worker-url';

const USAGE = `usage: npm run upload -- [model file, default runs/latest/model.bin] [--remote] [--force] [--wait [--url URL]]
  --remote       the deployed namespace (needs wrangler login and the namespace id in wrangler.toml)
  --local        the local store \`wrangler dev\` reads (default)
  --persist-to   a local store folder other than .wrangler/state
  --force        upload even if the model scores below the current one, or the current one cannot be read
  --wait         then poll the Worker's /healthz until it serves the new version (exit 1 if it does not in time)
  --url URL      the Worker --wait polls (default ${DEFAULT_URL}, what npm start serves; with --remote: your workers.dev URL)
  --timeout S    how long --wait waits (default: MODEL_REFRESH_SECONDS + 30 locally, + 60 more with --remote)
a model a Worker would refuse (over the budget in shared/model/budget.ts, or activations that can overflow) is never uploaded.
while it runs it holds lock/publish in KV: another upload or rollback is refused until it has finished, and it
refuses to move the pointer if that moved since it was read (run it again then).`;

const pct = (a: number) => `${(a * 100).toFixed(2)}%`;

runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { ...TARGET_OPTIONS, force: { type: 'boolean' }, wait: { type: 'boolean' }, url: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const timeout = values.timeout === undefined ? null : Number(values.timeout);
  const badTimeout = timeout !== null && !(timeout > 0);
  if (values.help || positionals.length > 1 || badTimeout || (values.remote && values.wait && !values.url)) {
    if (badTimeout) console.error(`error: --timeout must be a number of seconds > 0, got "${values.timeout}"`);
    else if (!values.help && positionals.length <= 1) console.error('error: --remote --wait needs --url (your Worker, e.g. https://mnist-edge.<you>.workers.dev)');
    (values.help ? console.log : console.error)(USAGE);
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
  } else {
    const cost = `${paramCount.toLocaleString('en-US')} parameters, ${forwardMultiplyAdds(architecture.sizes, architecture.layers).toLocaleString('en-US')} multiply-adds an image, ${(model.bytes / 1024).toFixed(0)} KiB`;
    console.log(`${model.version} (${dtype}, ${architecture.sizes.join('-')}: ${cost}, within a Worker's budget) is now current in ${describeTarget(target)}${previous ? `; previous: ${previous.version}` : ''}`);
  }
  if (!values.wait) {
    if (!alreadyCurrent) console.log(`${whenLive(target.remote)}; npm run upload -- --wait waits for it`);
    return;
  }
  const url = (values.url ?? DEFAULT_URL).replace(/\/+$/, '');
  const seconds = timeout ?? refreshSeconds() + 30 + (target.remote ? KV_PROPAGATION_SECONDS : 0);
  console.log(`waiting for ${url} to serve ${model.version} (${whenLive(target.remote)}; --timeout ${seconds})`);
  const served = await waitServed(url, model.version, seconds);
  console.log(`${url} serves ${model.version} (after ${served.seconds.toFixed(1)} s)`);
});

// npx tsx scripts/recipe-prefix.ts [--write] [--threads N] [--steps N] [--model models/default.bin]
// prints the hash of the weights after the first steps of the command in the model's header
// (scripts/train/prefix.ts); --write records it in models/<name>.prefix.json beside the model.
// run it with --write whenever the model file is rebuilt and committed.
import { parseArgs } from 'node:util';
import { runCli } from './lib/cli';
import { PREFIX_STEPS, recordPrefix, writePrefixRecord } from './train/prefix';

runCli(async () => {
  const { values: v } = parseArgs({
    options: { write: { type: 'boolean' }, threads: { type: 'string' }, steps: { type: 'string' }, model: { type: 'string' } },
  });
  const modelPath = v.model ?? 'models/default.bin';
  const steps = Number(v.steps ?? PREFIX_STEPS);
  const threads = Number(v.threads ?? 2);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got "${v.steps}"`);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got "${v.threads}"`);
  const t0 = performance.now();
  const record = await recordPrefix(modelPath, steps, threads);
  console.log(`${record.command}: weights after ${steps} steps on ${threads} thread(s) sha256 ${record.sha256} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (v.write) {
    const out = modelPath.replace(/\.bin$/, '') + '.prefix.json';
    writePrefixRecord(out, record);
    console.log(`wrote ${out}`);
  }
});

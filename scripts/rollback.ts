// npm run rollback -- [--remote]: makes the previous current model current again. it holds lock/publish
// as upload does, and refuses when the pointer moved while it ran (scripts/lib/publish-lock.ts).
import { parseArgs } from 'node:util';
import { runCli } from './lib/cli';
import { rollback } from './lib/registry';
import { describeTarget, targetOf, TARGET_OPTIONS } from './lib/target';

runCli(async () => {
  const { values } = parseArgs({ options: TARGET_OPTIONS });
  const target = targetOf(values);
  const { from, to, skipped } = await rollback(target);
  for (const s of skipped) console.log(`skipped ${s}`);
  console.log(`current model in ${describeTarget(target)}: ${to} (was ${from}); Workers pick it up within a minute`);
});

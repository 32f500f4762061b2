import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/model/format';
import { commandArgs, prefixHash, readPrefixRecord } from '../../scripts/train/prefix';

// models/default.bin takes minutes to rebuild (FULL_REBUILD=1 runs that: default-model.test.ts). its
// first optimizer steps take seconds: their weights' hash, recorded in models/default.prefix.json when
// the file was made, must still come out of the trainer, its data pipeline and the default recipe as
// they are now. a change that moves the trajectory fails here; rebuild the model, commit it, then
// `npx tsx scripts/recipe-prefix.ts --write` and commit the record.

const ROOT = resolve(import.meta.dirname, '../..');
const record = readPrefixRecord(join(ROOT, 'models/default.prefix.json'));
const STALE = 'the default recipe\'s first steps no longer give the weights recorded when models/default.bin was made: '
  + 'rebuild it with the command in its header (--model models/default.bin), commit it, and record its prefix again (npx tsx scripts/recipe-prefix.ts --write)';

describe('models/default.prefix.json', () => {
  it('belongs to the committed models/default.bin and its command', async () => {
    const model = await decodeModel(new Uint8Array(readFileSync(join(ROOT, record.model))));
    expect(record.version).toBe(model.version);
    expect(record.command).toBe(model.header.metadata.command);
    expect(record.steps).toBeGreaterThanOrEqual(100);
  });

  // the thread count changes nothing: the file was made with two
  for (const threads of [1, 2]) {
    it(`is what the first ${record.steps} steps of the model's command give on ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
      const hash = await prefixHash(commandArgs(record.command), record.steps, threads);
      expect(hash, STALE).toBe(record.sha256);
    }, 300_000); // ~15 s each on an idle 2-core machine, ~50 s with every core busy
  }
});

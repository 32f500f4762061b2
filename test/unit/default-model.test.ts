import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../scripts/lib/evaluate';
import { loadMnist } from '../../scripts/lib/mnist';
import { decodeServable } from '../../shared/model/servable';
import { inputSpecOf } from '../../shared/model/input';

// models/default.bin is what a fresh clone's npm start serves. it is committed so that start-up needs
// no training, and it must stay what its recorded command builds. the byte-for-byte rebuild takes
// minutes, so `npm test` runs it only when asked: FULL_REBUILD=1 npx vitest run --project unit
// test/unit/default-model.test.ts. every run checks the recipe's first steps instead
// (recipe-prefix.test.ts, against models/default.prefix.json).

const ROOT = resolve(import.meta.dirname, '../..');
const DEFAULT_MODEL = join(ROOT, 'models/default.bin');
const file = new Uint8Array(readFileSync(DEFAULT_MODEL));
const scratch = mkdtempSync(join(tmpdir(), 'default-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('models/default.bin', () => {
  it('is servable by a Worker and scores on the MNIST test set exactly what its header says', async () => {
    const { model } = await decodeServable(file);
    const test = evaluate(model.network, loadMnist().test, inputSpecOf(model.header));
    expect(test.accuracy).toBe(model.header.metadata.testAccuracy);
    expect(test.accuracy).toBeGreaterThan(0.985);
  });

  it.runIf(process.env.FULL_REBUILD === '1')('is rebuilt byte for byte by the command recorded in its header (FULL_REBUILD=1)', async () => {
    const { model } = await decodeServable(file);
    const command = String(model.header.metadata.command);
    expect(command).toMatch(/^npm run train -- --reproducible\b/);
    const args = command.replace(/^npm run train --\s*/, '').split(/\s+/).filter(Boolean);
    const rebuilt = join(scratch, 'default.bin');
    // one thread: the file was made with two, so this also shows the thread count does not matter, and
    // it leaves the other core to the rest of the suite
    const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/train.ts', ...args, '--threads', '1', '--model', rebuilt, '--out', scratch, '--no-report'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const bytes = new Uint8Array(readFileSync(rebuilt));
    const same = bytes.length === file.length && bytes.every((b, i) => b === file[i]);
    expect(same, `${command} no longer rebuilds models/default.bin: run it with --model models/default.bin and commit the file`).toBe(true);
  }, 900_000);
});

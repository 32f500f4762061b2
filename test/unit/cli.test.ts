import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/model/format';

// the scripts as a user runs them: real processes, real files, a real (local) KV store.

const tsx = resolve('node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-'));
const kv = join(dir, 'kv');

function run(script: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    execFile(tsx, [script, ...args], { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }, (error, stdout, stderr) =>
      ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('training, evaluating and publishing from the command line', () => {
  let first: { code: number; out: string; err: string };
  beforeAll(async () => {
    first = await run('scripts/train.ts', ['--epochs', '1', '--train-limit', '3000', '--int8', '--out', join(dir, 'a')]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npm run train writes the model, its int8 twin, the report and a summary, and prints an epoch line', async () => {
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/epoch 1\/1 {2}train loss \d\.\d{4} {2}train acc \d+\.\d{2}% {2}test loss/);
    for (const f of ['model.bin', 'model.int8.bin', 'report/index.html', 'report/report.json', 'summary.json']) expect(existsSync(join(dir, 'a', f)), f).toBe(true);
    const f32 = await decodeModel(new Uint8Array(readFileSync(join(dir, 'a', 'model.bin'))));
    const i8 = await decodeModel(new Uint8Array(readFileSync(join(dir, 'a', 'model.int8.bin'))));
    expect(i8.header.dtype).toBe('int8');
    expect(i8.bytes / f32.bytes).toBeLessThan(0.27);
    expect(Math.abs(i8.header.metadata.testAccuracy - f32.header.metadata.testAccuracy)).toBeLessThanOrEqual(0.003);
    const summary = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8'));
    expect(summary.version).toBe(f32.version);
  });

  it('rejects a bad flag with a usage message and status 64', async () => {
    const r = await run('scripts/train.ts', ['--epochs', 'many']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--epochs must be an integer ≥ 1, got "many"/);
    expect(r.err).toMatch(/usage: npm run train/);
  });

  it('npm run evaluate prints per-class figures and exits 2 below --min-accuracy', async () => {
    const model = join(dir, 'a', 'model.bin');
    const ok = await run('scripts/evaluate.ts', [model, '--min-accuracy', '0.5']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/test accuracy \d+\.\d{2}% \(\d+\/10000\)/);
    expect(ok.out).toMatch(/confusion matrix/);
    const low = await run('scripts/evaluate.ts', [model, '--min-accuracy', '0.999']);
    expect(low.code).toBe(2);
    expect(low.err).toMatch(/below --min-accuracy 99.90%/);
  });

  it('upload makes a model current, refuses a worse one, lists versions and rolls back', async () => {
    const better = join(dir, 'a', 'model.bin');
    const worse = join(dir, 'b', 'model.bin');
    const t = await run('scripts/train.ts', ['--epochs', '1', '--train-limit', '300', '--no-report', '--out', join(dir, 'b')]);
    expect(t.code, t.err).toBe(0);
    const a = await decodeModel(new Uint8Array(readFileSync(better)));
    const b = await decodeModel(new Uint8Array(readFileSync(worse)));
    expect(b.header.metadata.testAccuracy).toBeLessThan(a.header.metadata.testAccuracy);

    const up = await run('scripts/upload.ts', [better, '--persist-to', kv]);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain(`${a.version}`);
    const refused = await run('scripts/upload.ts', [worse, '--persist-to', kv]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refusing to replace the current model .* pass --force/);
    const forced = await run('scripts/upload.ts', [worse, '--persist-to', kv, '--force']);
    expect(forced.code, forced.err).toBe(0);

    const list = await run('scripts/models.ts', ['--persist-to', kv, '--json']);
    const models = JSON.parse(list.out) as { version: string; current: boolean }[];
    expect(models.map((m) => m.version).sort()).toEqual([a.version, b.version].sort());
    expect(models.find((m) => m.current)?.version).toBe(b.version);

    const back = await run('scripts/rollback.ts', ['--persist-to', kv]);
    expect(back.code, back.err).toBe(0);
    const after = JSON.parse((await run('scripts/models.ts', ['--persist-to', kv, '--json'])).out) as { version: string; current: boolean }[];
    expect(after.find((m) => m.current)?.version).toBe(a.version);
    const none = await run('scripts/rollback.ts', ['--persist-to', kv]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no earlier model/);
  }, 120_000);

  it('upload refuses a corrupt file before touching KV', async () => {
    const r = await run('scripts/upload.ts', ['package.json', '--persist-to', join(dir, 'kv2')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a model file/);
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import { CURRENT_POINTER_KEY, modelKey, type ModelKeyMetadata } from '../../shared/model/registry';
import { openKv, type KvStore } from '../../scripts/lib/kv';
import { openWranglerKv } from '../../scripts/lib/kv-wrangler';
import { listModels, readPointer, rollback, uploadModel } from '../../scripts/lib/registry';
import { hugeInt8Model, justTooSlowModel, overflowingModel, overflowingUnitModel } from '../worker/helpers/unfit-models';

// the scripts as a user runs them (real processes, real files), and the model registry in process
// against the local bindings from wrangler's getPlatformProxy(): the store `wrangler dev` reads.
// one test runs the real wrangler CLI on the same store, to show both ways see the same data.

const tsx = resolve('node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-'));
const better = join(dir, 'a', 'model.bin'); // 1 epoch on 3,000 images: ~85%
const worse = join(dir, 'b', 'model.bin'); // 1 epoch on 300 images: ~40%

function run(script: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    execFile(tsx, [script, ...args], { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }, (error, stdout, stderr) =>
      ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

let first: { code: number; out: string; err: string };
beforeAll(async () => {
  first = await run('scripts/train.ts', ['--epochs', '1', '--train-limit', '3000', '--int8', '--out', join(dir, 'a')]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = async (path: string) => decodeModel(new Uint8Array(readFileSync(path)));

describe('training and evaluating from the command line', () => {
  it('npm run train writes the model, its int8 twin, the report and a summary, and prints an epoch line', async () => {
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/epoch 1\/1 {2}train loss \d\.\d{4} {2}train acc \d+\.\d{2}% {2}test loss/);
    for (const f of ['model.bin', 'model.int8.bin', 'report/index.html', 'report/report.json', 'summary.json']) expect(existsSync(join(dir, 'a', f)), f).toBe(true);
    const f32 = await load(better);
    const i8 = await load(join(dir, 'a', 'model.int8.bin'));
    expect(i8.header.dtype).toBe('int8');
    expect(i8.bytes / f32.bytes).toBeLessThan(0.27);
    expect(Math.abs(i8.header.metadata.testAccuracy! - f32.header.metadata.testAccuracy!)).toBeLessThanOrEqual(0.003);
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
    const ok = await run('scripts/evaluate.ts', [better, '--min-accuracy', '0.5']);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/test accuracy \d+\.\d{2}% \(\d+\/10000\)/);
    expect(ok.out).toMatch(/confusion matrix/);
    const low = await run('scripts/evaluate.ts', [better, '--min-accuracy', '0.999']);
    expect(low.code).toBe(2);
    expect(low.err).toMatch(/below --min-accuracy 99.90%/);
  });
});

describe('publishing models', () => {
  const stores: KvStore[] = [];
  let stored = 0;
  /** an empty local store of its own for each test, so tests run in any order */
  async function freshStore(): Promise<{ kv: KvStore; persistTo: string }> {
    const persistTo = join(dir, `kv-${++stored}`);
    const kv = await openKv({ remote: false, persistTo });
    stores.push(kv);
    return { kv, persistTo };
  }

  beforeAll(async () => {
    const t = await run('scripts/train.ts', ['--epochs', '1', '--train-limit', '300', '--no-report', '--out', join(dir, 'b')]);
    expect(t.code, t.err).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  it('upload makes a model current, refuses a worse one, lists versions and rolls back', async () => {
    const { kv } = await freshStore();
    const a = await load(better);
    const b = await load(worse);

    const up = await uploadModel(better, kv);
    expect(up).toMatchObject({ alreadyCurrent: false, previous: null, live: null });
    expect(up.accuracy).toBe(a.header.metadata.testAccuracy); // scored here, the same figure the trainer measured
    expect((await uploadModel(better, kv)).alreadyCurrent).toBe(true);
    await expect(uploadModel(worse, kv)).rejects.toThrow(/refusing to replace the current model .* with a worse one .* pass --force/);
    const forced = await uploadModel(worse, kv, true);
    expect(forced.previous?.version).toBe(a.version);

    const models = await listModels(kv);
    expect(models.map((m) => m.version).sort()).toEqual([a.version, b.version].sort());
    expect(models.find((m) => m.current)?.version).toBe(b.version);
    expect(models.find((m) => m.version === a.version)?.testAccuracy).toBe(up.accuracy);

    expect(await rollback(kv)).toMatchObject({ from: b.version, to: a.version });
    expect((await readPointer(kv))?.version).toBe(a.version);
    await expect(rollback(kv)).rejects.toThrow(/no earlier model/);
  }, 120_000);

  it('scores the candidate and the live model itself instead of trusting the figure a file claims', async () => {
    const { kv } = await freshStore();
    const b = await load(worse);
    // the worse model's weights in a file that claims 99.9%
    const boastful = join(dir, 'boastful.bin');
    writeFileSync(boastful, await encodeModel(b.network, { ...b.header.metadata, testAccuracy: 0.999 }, 'float32', inputSpecOf(b.header)));
    await uploadModel(better, kv);
    const a = await load(better);
    const refusal = uploadModel(boastful, kv);
    await expect(refusal).rejects.toThrow(new RegExp(`current model ${a.version} \\(test accuracy ${(a.header.metadata.testAccuracy! * 100).toFixed(2)}%\\) with a worse one \\(${(b.header.metadata.testAccuracy! * 100).toFixed(2)}%\\), both scored here`));
    expect((await readPointer(kv))?.version).toBe(a.version);
  }, 120_000);

  it('refuses to upload when the live model cannot be read, unless forced', async () => {
    const { kv } = await freshStore();
    await kv.put(CURRENT_POINTER_KEY, JSON.stringify({ version: '0123456789abcdef', previous: [], updatedAt: '' }));
    await expect(uploadModel(better, kv)).rejects.toThrow(/cannot read the live model 0123456789abcdef to compare with \(models\/0123456789abcdef is missing\), so nothing was uploaded; pass --force/);
    await kv.put(modelKey('0123456789abcdef'), new Uint8Array([1, 2, 3]));
    await expect(uploadModel(better, kv)).rejects.toThrow(/cannot read the live model 0123456789abcdef .*too short to be a model/);
    await kv.put(CURRENT_POINTER_KEY, 'not json');
    await expect(uploadModel(better, kv)).rejects.toThrow(/pointer\/current is not a valid pointer/);
    expect(await kv.list(`${modelKey('')}`)).toHaveLength(1); // only the broken one: nothing was uploaded

    const forced = await uploadModel(better, kv, true);
    expect((await readPointer(kv))?.version).toBe(forced.model.version);
  }, 120_000);

  const unfit: [string, () => Promise<{ bytes: Uint8Array }>, RegExp][] = [
    ['an int8 784-4096-4096-10 model (19 MiB)', hugeInt8Model, /does not fit a Worker's CPU and memory budget: the file is 20,098,652 bytes \(limit 1,310,720\)/],
    ['a 784-331-10 model, just over the multiply-add budget', justTooSlowModel, /\(784-331-10\) does not fit .*262,814 multiply-adds per image \(limit 262,144\)/],
    ['a model whose answers overflow to NaN', overflowingModel, /cannot be served: for some pixels in 0\.\.255, hidden unit 0 of layer 1 can reach 2\.35e\+41/],
    ['a model with one hidden unit at ±3e38, which passes the probe images', overflowingUnitModel, /cannot be served: for some pixels in 0\.\.255, hidden unit 0 of layer 1 can reach 6\.00e\+38/],
  ];
  for (const [what, make, reason] of unfit) {
    it(`refuses ${what} even with --force, before touching KV`, async () => {
      const path = join(dir, `unfit-${what.length}.bin`);
      writeFileSync(path, (await make()).bytes);
      const untouchable: KvStore = {
        get: () => Promise.reject(new Error('read KV')),
        put: () => Promise.reject(new Error('wrote KV')),
        delete: () => Promise.reject(new Error('deleted from KV')),
        list: () => Promise.reject(new Error('listed KV')),
        close: async () => {},
      };
      await expect(uploadModel(path, untouchable, true)).rejects.toThrow(reason);
    }, 60_000);
  }

  it('rollback skips an earlier model a Worker would refuse', async () => {
    const { kv } = await freshStore();
    const a = await uploadModel(better, kv);
    const huge = await hugeInt8Model();
    await kv.put(modelKey(huge.version), huge.bytes); // stored before the budget existed, say
    await uploadModel(worse, kv, true);
    const pointer = (await readPointer(kv))!;
    await kv.put(CURRENT_POINTER_KEY, JSON.stringify({ ...pointer, previous: [huge.version, a.model.version] }));
    const back = await rollback(kv);
    expect(back.to).toBe(a.model.version);
    expect(back.skipped.join('\n')).toMatch(new RegExp(`${huge.version}: models/${huge.version} does not fit a Worker`));
  }, 120_000);

  it('npm run upload prints the accuracy it scored itself; an unreadable file fails before KV is opened', async () => {
    const persistTo = join(dir, 'kv-process');
    const up = await run('scripts/upload.ts', [better, '--persist-to', persistTo]);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/\d+\.\d{2}% on the 10,000 MNIST test images, scored here \(as its file says\) \(no live model to compare with\)/);
    expect(up.out).toMatch(/is now current in local KV/);
    const corrupt = await run('scripts/upload.ts', ['package.json', '--persist-to', join(dir, 'kv-never')]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.err).toMatch(/not a model file/);
    expect(existsSync(join(dir, 'kv-never'))).toBe(false);
  }, 120_000);

  it('the wrangler CLI and the in-process store see the same local store, both ways', async () => {
    const { kv, persistTo } = await freshStore();
    const { model, accuracy } = await uploadModel(better, kv);
    const cli = openWranglerKv({ remote: false, persistTo }, 'MODELS');
    // each is a wrangler process (seconds apiece on a busy machine): the reads at once
    const [pointer, listed, missing] = await Promise.all([cli.get(CURRENT_POINTER_KEY), cli.list<ModelKeyMetadata>('models/'), cli.get('no/such/key')]);
    expect(new TextDecoder().decode(pointer!)).toContain(`"version":"${model.version}"`);
    expect(listed).toEqual([{ name: modelKey(model.version), metadata: expect.objectContaining({ version: model.version, testAccuracy: accuracy, bytes: model.bytes }) }]);
    expect(missing).toBeNull();
    await cli.put('models/written-by-the-cli', new Uint8Array([0, 1, 254, 255]), { from: 'cli' });
    expect(await kv.get('models/written-by-the-cli')).toEqual(new Uint8Array([0, 1, 254, 255]));
  }, 180_000);
});

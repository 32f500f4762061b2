import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { feedbackId } from '../../shared/feedback';
import { decodeModel } from '../../shared/model/format';
import { loadMnist } from '../../scripts/lib/mnist';
import { waitServed, whenLive } from '../../scripts/lib/wait-served';

// the retrain-with-corrections path as a user runs it, with small settings: corrections stored in a
// local D1 as the Worker stores them → npm run feedback:export → npm run train -- --from MODEL
// --extra data/feedback (a fine-tune) → npm run upload, which refuses a fine-tune that got worse and
// takes one that got better. and upload --wait's polling, against a stand-in Worker.

const tsx = resolve('node_modules/.bin/tsx');
const wrangler = resolve('node_modules/.bin/wrangler');
const dir = mkdtempSync(join(tmpdir(), 'mnist-fine-tune-'));
const state = join(dir, 'state'); // the local D1 and KV, as npm start's .wrangler/state
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
const { train } = loadMnist();
/** the corrections: training images the small base model never saw, with their right labels */
const CORRECTIONS = Array.from({ length: 200 }, (_, i) => 10_000 + i);
/** the small recipe every model here starts from: 784-32-10, 2,000 MNIST images, nothing added */
const BASE = ['--hidden', '32', '--epochs', '1', '--train-limit', '2000', '--no-augment', '--no-degrade', '--font-digits', '0', '--calibration-holdout', '1000', '--no-report'];

function run(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    const child = execFile(cmd, args, { env: ENV, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
    child.stdin?.end();
  });
}
const script = (name: string, ...args: string[]) => run(tsx, [`scripts/${name}.ts`, ...args]);
const load = async (path: string) => decodeModel(new Uint8Array(readFileSync(path)));
const summary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const image = (i: number) => train.images.subarray(i * D, (i + 1) * D);

/** rows as POST /feedback writes them, into the local D1 through a local workerd */
async function storeCorrections(): Promise<void> {
  const { getPlatformProxy } = await import('wrangler');
  const { env, dispose } = await getPlatformProxy<{ FEEDBACK_DB: { prepare(sql: string): { bind(...v: unknown[]): { run(): Promise<unknown> } } } }>({
    configPath: 'wrangler.toml', persist: { path: join(state, 'v3') }, remoteBindings: false, envFiles: [],
  });
  try {
    for (const i of CORRECTIONS) {
      const px = image(i);
      await env.FEEDBACK_DB.prepare('INSERT INTO feedback (hash, pixels, label, predicted, model_version, created_at) VALUES (?1, unhex(?2), ?3, ?4, ?5, ?6)')
        .bind(await feedbackId(px), Buffer.from(px).toString('hex'), train.labels[i], null, null, new Date(Date.UTC(2026, 11, 1, 0, 0, i % 60)).toISOString()).run();
    }
  } finally {
    await dispose();
  }
}

const base = join(dir, 'base');
const good = join(dir, 'good');
const bad = join(dir, 'bad');
const feedback = join(dir, 'feedback');
const poisoned = join(dir, 'poisoned');
let exported: Awaited<ReturnType<typeof run>>;
let tunedGood: Awaited<ReturnType<typeof run>>;
let tunedBad: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  const migrated = await run(wrangler, ['d1', 'migrations', 'apply', 'mnist-feedback', '--local', '--persist-to', state]);
  expect(migrated.code, migrated.err).toBe(0);
  await storeCorrections();
  exported = await script('feedback-export', '--persist-to', state, '--out', feedback, '--yes');
  // corrections that say every digit is the next one, allowed to be as many as MNIST's own (--extra-max-share 1)
  mkdirSync(poisoned);
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ label: (train.labels[i] + 1) % 10, pixels: [...image(i)] }));
  writeFileSync(join(poisoned, 'feedback.jsonl'), lines.join('\n') + '\n');

  const b = await script('train', ...BASE, '--out', base);
  expect(b.code, b.err).toBe(0);
  [tunedGood, tunedBad] = await Promise.all([
    script('train', '--from', join(base, 'model.bin'), '--extra', feedback, '--extra-max-share', '0.1', '--lr', '0.001', '--no-report', '--out', good),
    script('train', '--from', join(base, 'model.bin'), '--extra', poisoned, '--extra-max-share', '1', '--lr', '0.003', '--no-report', '--out', bad),
  ]);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retraining with corrections: export, fine-tune, upload', () => {
  it('feedback:export writes the stored corrections as training lines', () => {
    expect(exported.code, exported.err).toBe(0);
    const lines = readFileSync(join(feedback, 'feedback.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(CORRECTIONS.length);
  });

  it('a fine-tune starts from the model given, keeps its architecture and input, mixes in the corrections under the cap, and fits calibration again', async () => {
    expect(tunedGood.code, tunedGood.err).toBe(0);
    expect(tunedGood.out).toMatch(/fine-tuning .*base\/model\.bin \([0-9a-f]{16}, \d+\.\d{2}% on the MNIST test set\)/);
    const from = await load(join(base, 'model.bin'));
    const tuned = await load(join(good, 'model.bin'));
    expect(tuned.header.architecture).toEqual(from.header.architecture);
    expect(tuned.header.metadata.fineTunedFrom).toBe(from.version);
    expect(tuned.header.metadata.training).toMatchObject({ epochs: 1, lr: 0.001, trainLimit: 2000, fontDigits: 0, augment: false, calibrationHoldout: 1000 });
    expect(tuned.header.calibration?.fittedOn).toMatch(/last 1000 MNIST training images/);
    expect(tuned.header.calibration?.temperature).not.toBe(from.header.calibration?.temperature);
    const s = summary(good);
    expect(s.fineTunedFrom).toMatchObject({ version: from.version, testAccuracy: from.header.metadata.testAccuracy });
    // at most 10% of each label's 2,000-image share: about 20 a label, so not all 200 corrections
    expect(s.extra).toMatchObject({ path: feedback, offered: CORRECTIONS.length, maxShare: 0.1 });
    expect(s.extra.count).toBeGreaterThan(100);
    expect(s.extra.count).toBeLessThan(CORRECTIONS.length);
    expect(s.extra.perLabel.reduce((a: number, b: number) => a + b, 0)).toBe(s.extra.count);
    expect(s.extra.share).toBeCloseTo(s.extra.count / 2000, 6);
    expect(s.extra.right.after).toBeGreaterThanOrEqual(s.extra.right.before);
    expect(s.testAccuracy).toBeGreaterThan(from.header.metadata.testAccuracy!);
  });

  it('a fine-tune may not change the architecture or input of the model it starts from', async () => {
    const r = await script('train', '--from', join(base, 'model.bin'), '--hidden', '64', '--no-report', '--out', join(dir, 'wider'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--from .*fixes --hidden \(the file's architecture and input\); leave it out/);
    const preset = await script('train', '--from', join(base, 'model.bin'), '--preset', 'classic');
    expect(preset.code).toBe(64);
    expect(preset.err).toMatch(/--preset and --from do not go together/);
  });

  it('upload refuses the fine-tune that got worse and takes the one that got better, saying when it is served', async () => {
    expect(tunedBad.code, tunedBad.err).toBe(0);
    expect(summary(bad).testAccuracy).toBeLessThan(summary(base).testAccuracy);
    const kv = ['--persist-to', join(dir, 'kv')];
    const first = await script('upload', join(base, 'model.bin'), ...kv);
    expect(first.code, first.err).toBe(0);
    const worse = await script('upload', join(bad, 'model.bin'), ...kv);
    expect(worse.code).toBe(1);
    expect(worse.err).toMatch(/refusing to replace the current model [0-9a-f]{16} .* with a worse one/);
    const better = await script('upload', join(good, 'model.bin'), ...kv);
    expect(better.code, better.err).toBe(0);
    expect(better.out).toContain(`${summary(good).version} (float32, 784-32-10`);
    expect(better.out).toContain('a running `wrangler dev` serves it within 60 s');
    expect(better.out).toContain('npm run upload -- --wait waits for it');
    const models = await script('models', ...kv);
    expect(models.out).toMatch(new RegExp(`\\* ${summary(good).version}`));
  }, 120_000);
});

describe('upload --wait', () => {
  let server: Server;
  let url = '';
  let served = 'aaaaaaaaaaaaaaaa';
  let calls = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', model: { version: served, loadedAt: '' } }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('polls /healthz until the Worker serves the new version', async () => {
    setTimeout(() => (served = 'bbbbbbbbbbbbbbbb'), 300);
    const r = await waitServed(url, 'bbbbbbbbbbbbbbbb', 10, 50);
    expect(r.version).toBe('bbbbbbbbbbbbbbbb');
    expect(r.seconds).toBeGreaterThanOrEqual(0.25);
    expect(calls).toBeGreaterThan(2);
  });

  it('gives up after the timeout, saying what is still served, and says when there is no Worker at all', async () => {
    await expect(waitServed(url, 'cccccccccccccccc', 0.3, 50)).rejects.toThrow(/did not serve cccccccccccccccc within 0\.3 s: still serving bbbbbbbbbbbbbbbb/);
    await expect(waitServed('http://127.0.0.1:9', 'cccccccccccccccc', 0.2, 50)).rejects.toThrow(/no Worker answers at http:\/\/127\.0\.0\.1:9 .*start one with `npm start` or pass --url/);
  });

  it('says how long a deployed upload may take to be served', () => {
    expect(whenLive(true, 60)).toMatch(/within about 120 s: each re-reads the pointer every 60 s \(MODEL_REFRESH_SECONDS\), after up to 60 s of KV propagation/);
  });
});

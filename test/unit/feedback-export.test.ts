import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { exampleFromRow, feedbackId, type FeedbackRow } from '../../shared/feedback';
import { contactSheet, contactSheetPng } from '../../scripts/lib/contact-sheet';
import { loadExtra } from '../../scripts/lib/extra-data';
import { readLocalRows, wranglerRows } from '../../scripts/lib/feedback-db';
import { describePlan, floods, planExport } from '../../scripts/lib/feedback-review';

// npm run feedback:export: what it would add, shown before it adds it. the tests with a local D1
// share one seeded database; each writes its own output folder, so they run in any order.

/** a drawing of its own for every seed: a bar at column seed % 28, rows from seed's bits */
function pixels(seed: number): number[] {
  const img = new Array<number>(D).fill(0);
  for (let y = 2; y < 26; y++) img[y * IMAGE_SIDE + (seed % IMAGE_SIDE)] = 255;
  img[seed >> 5] = 1 + (seed % 200);
  return img;
}

const hex = (p: number[]) => Buffer.from(p).toString('hex').toUpperCase();

async function row(seed: number, label: number, createdAt: string): Promise<FeedbackRow> {
  const p = pixels(seed);
  return { hash: await feedbackId(Uint8Array.from(p)), pixels_hex: hex(p), label, predicted: null, model_version: null, created_at: createdAt };
}

const NONE = { images: new Uint8Array(0), labels: new Uint8Array(0) };

describe('exampleFromRow', () => {
  it('turns a stored row back into the example line', async () => {
    const r = { ...(await row(5, 4, '2026-11-29T10:00:00.000Z')), predicted: 9, model_version: '3f2a9c0d1e4b5a67' };
    expect(exampleFromRow(r)).toEqual({ example: { id: r.hash, label: 4, predicted: 9, modelVersion: '3f2a9c0d1e4b5a67', createdAt: '2026-11-29T10:00:00.000Z', pixels: pixels(5) } });
  });

  it('says what is wrong with a row the worker did not write', async () => {
    const r = await row(5, 4, '2026-11-29T10:00:00.000Z');
    expect(exampleFromRow({ ...r, pixels_hex: r.pixels_hex.slice(2) })).toEqual({ problem: 'pixels must be 784 bytes, got 783' });
    expect(exampleFromRow({ ...r, label: 12 })).toEqual({ problem: 'label 12 is not a digit' });
  });
});

describe('planExport', () => {
  it('adds new drawings oldest first and counts them per label', async () => {
    const rows = [await row(1, 3, '2026-11-29T10:00:02.000Z'), await row(2, 3, '2026-11-29T10:00:01.000Z'), await row(3, 8, '2026-11-29T10:00:03.000Z')];
    const plan = await planExport(NONE, rows);
    expect(plan.added.map((e) => e.pixels)).toEqual([pixels(2), pixels(1), pixels(3)]);
    expect(plan.adding).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 1, 0]);
    expect(plan).toMatchObject({ alreadyExported: 0, duplicatesInBatch: 0, unreadable: [] });
  });

  it('drops drawings already in the file, matched by their pixels whatever id the line has, and counts the file per label', async () => {
    const images = new Uint8Array(2 * D);
    images.set(pixels(1), 0);
    images.set(pixels(9), D);
    const plan = await planExport({ images, labels: Uint8Array.of(3, 6) }, [await row(1, 3, '2026-11-29T10:00:00.000Z'), await row(2, 5, '2026-11-29T10:00:00.000Z')]);
    expect(plan.alreadyExported).toBe(1);
    expect(plan.added.map((e) => e.label)).toEqual([5]);
    expect(plan.inFile).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
  });

  it('keeps the first of the same drawing twice in one batch, and sets aside rows it cannot read', async () => {
    const first = await row(4, 1, '2026-11-29T10:00:00.000Z');
    const again = { ...(await row(4, 7, '2026-11-29T11:00:00.000Z')), hash: 'f'.repeat(32) }; // written by hand, under another key
    const broken = { ...(await row(6, 2, '2026-11-29T12:00:00.000Z')), pixels_hex: 'zz' };
    const plan = await planExport(NONE, [again, broken, first]);
    expect(plan.added).toHaveLength(1);
    expect(plan.added[0]).toMatchObject({ id: first.hash, label: 1 });
    expect(plan.duplicatesInBatch).toBe(1);
    expect(plan.unreadable).toEqual([{ id: broken.hash, problem: 'pixels must be 784 bytes, got 1' }]);
  });

  it('reads as a summary: where every row went, and a table by label', async () => {
    const images = new Uint8Array(D);
    images.set(pixels(1));
    const plan = await planExport({ images, labels: Uint8Array.of(3) }, [await row(1, 3, '2026-11-29T10:00:00.000Z'), await row(2, 3, '2026-11-29T10:00:00.000Z')]);
    const text = describePlan(plan, 2, 'data/feedback/feedback.jsonl');
    expect(text).toContain('2 stored corrections:\n  1 new\n  1 already in data/feedback/feedback.jsonl (dropped)\n  0 the same drawing as an earlier one in this batch (dropped)');
    expect(text).toMatch(/^ +3 +1 +\+1 +2$/m);
    expect(text).toMatch(/^ +all +1 +\+1 +2$/m);
  });
});

describe('the new corrections by sender', () => {
  /** n rows from one sender (a pseudonym) with one label, on 2026-11-29, seeds from `seed` up */
  const from = (source: string | null, n: number, label: number, seed: number) =>
    Promise.all(Array.from({ length: n }, async (_, i) => ({ ...(await row(seed + i, label, `2026-11-29T10:${String(i % 60).padStart(2, '0')}:00.000Z`)), source })));

  it('groups the new rows by sender, most first, with their labels, so that a flood stands out', async () => {
    const rows = [
      ...(await from('aaaaaaaaaaaaaaaa', 2, 1, 100)),
      ...(await from('ffffffffffffffff', 30, 7, 200)),
      ...(await from('bbbbbbbbbbbbbbbb', 3, 4, 300)),
      ...(await from(null, 1, 0, 400)),
    ];
    const plan = await planExport(NONE, rows);
    expect(plan.senders.map((g) => [g.source, g.count])).toEqual([
      ['ffffffffffffffff', 30],
      ['bbbbbbbbbbbbbbbb', 3],
      ['aaaaaaaaaaaaaaaa', 2],
      [null, 1],
    ]);
    expect(plan.senders[0]).toMatchObject({ day: '2026-11-29', labels: [0, 0, 0, 0, 0, 0, 0, 30, 0, 0] });
    expect(floods(plan).map((g) => g.source)).toEqual(['ffffffffffffffff']);

    const text = describePlan(plan, rows.length, 'data/feedback/feedback.jsonl');
    expect(text).toContain('by sender (a pseudonym of an IPv4 address or IPv6 /48, new each UTC day): 3 senders, and 1 row without one');
    expect(text).toMatch(/^ +!ffffffffffffffff +2026-11-29 +30 +83% +7×30$/m);
    expect(text).toMatch(/^ +bbbbbbbbbbbbbbbb +2026-11-29 +3 +8% +4×3$/m);
    expect(text).toMatch(/! ffffffffffffffff sent 83% of the new corrections: .*--drop-source ffffffffffffffff/);
  });

  it('flags no one when the rows are spread, or too few to call a flood', async () => {
    const spread = await planExport(NONE, [...(await from('aaaaaaaaaaaaaaaa', 12, 1, 500)), ...(await from('bbbbbbbbbbbbbbbb', 12, 2, 600)), ...(await from('cccccccccccccccc', 12, 3, 700)), ...(await from('dddddddddddddddd', 12, 4, 800)), ...(await from('eeeeeeeeeeeeeeee', 13, 5, 900))]);
    expect(floods(spread)).toEqual([]);
    const few = await planExport(NONE, await from('aaaaaaaaaaaaaaaa', 9, 1, 1000));
    expect(floods(few)).toEqual([]);
  });

  it('leaves out the senders named with --drop-source, and says how many rows that was', async () => {
    const rows = [...(await from('ffffffffffffffff', 20, 7, 1100)), ...(await from('aaaaaaaaaaaaaaaa', 2, 1, 1200))];
    const plan = await planExport(NONE, rows, { dropSources: new Set(['ffffffffffffffff']) });
    expect(plan.added).toHaveLength(2);
    expect(plan.droppedBySender).toBe(20);
    expect(plan.senders.map((g) => g.source)).toEqual(['aaaaaaaaaaaaaaaa']);
    expect(describePlan(plan, rows.length, 'f')).toContain('  20 from the senders named with --drop-source (dropped)');
  });
});

describe('the contact sheet', () => {
  const examples = [
    { label: 4, pixels: pixels(10) },
    { label: 1, pixels: pixels(11) },
    { label: 4, pixels: pixels(12) },
    { label: 4, pixels: pixels(13) },
  ];

  it("draws every image, scaled, where it says it did: one band per label in order, wrapping after the columns", () => {
    const sheet = contactSheet(examples, { columns: 2, scale: 3 });
    const at = sheet.placed;
    // label 1's band comes first, then label 4's, whose third image wraps under its first
    expect(at[1].y).toBeLessThan(at[0].y);
    expect(at[0].y).toBe(at[2].y);
    expect(at[3].x).toBe(at[0].x);
    expect(at[3].y).toBeGreaterThan(at[0].y);
    examples.forEach((ex, i) => {
      for (let p = 0; p < D; p++) {
        const x = at[i].x + (p % IMAGE_SIDE) * 3 + 2;
        const y = at[i].y + Math.floor(p / IMAGE_SIDE) * 3 + 1;
        if (sheet.gray[y * sheet.width + x] !== ex.pixels[p]) throw new Error(`image ${i} pixel ${p}: ${sheet.gray[y * sheet.width + x]} on the sheet, ${ex.pixels[p]} in the image`);
      }
    });
    // 2 bands, 3 lines of cells; a label cell and 2 image cells across
    expect(sheet.width).toBeLessThan(4 * IMAGE_SIDE * 3);
    expect(sheet.height).toBeGreaterThan(3 * IMAGE_SIDE * 3);
    expect(sheet.height).toBeLessThan(4 * IMAGE_SIDE * 3);
  });

  it('leaves out labels without images, and marks each band with its digit', () => {
    const sheet = contactSheet([{ label: 7, pixels: pixels(1) }], { columns: 5, scale: 1 });
    expect(sheet.height).toBeLessThan(2 * IMAGE_SIDE);
    // the label cell sits left of the image and is neither the background nor a drawing's black
    const labelCell = Array.from({ length: IMAGE_SIDE }, (_, y) => sheet.gray.subarray((sheet.placed[0].y + y) * sheet.width + 2, (sheet.placed[0].y + y) * sheet.width + 2 + IMAGE_SIDE));
    const values = new Set(labelCell.flatMap((r) => Array.from(r)));
    expect(values.size).toBe(2); // its background and its glyph
    expect(values.has(0)).toBe(false);
  });

  it('is a PNG that an independent decoder reads back pixel for pixel', () => {
    const sheet = contactSheet(examples);
    const png = PNG.sync.read(Buffer.from(contactSheetPng(examples)));
    expect([png.width, png.height]).toEqual([sheet.width, sheet.height]);
    const gray = png.data.filter((_, i) => i % 4 === 0);
    expect(Buffer.compare(Buffer.from(gray), Buffer.from(sheet.gray))).toBe(0);
  });
});

describe('npm run feedback:export against a local D1', () => {
  const tsx = resolve('node_modules/.bin/tsx');
  const wrangler = resolve('node_modules/.bin/wrangler');
  const dir = mkdtempSync(join(tmpdir(), 'mnist-feedback-export-'));
  const state = join(dir, 'state');
  const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

  function run(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((ok) => {
      const child = execFile(cmd, args, { env: ENV }, (error, stdout, stderr) => ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }));
      child.stdin?.end(); // not a terminal: the script must not wait for an answer
    });
  }
  const exportCli = (out: string, ...args: string[]) => run(tsx, ['scripts/feedback-export.ts', '--persist-to', state, '--out', out, ...args]);

  /** rows as the worker writes them, through a local workerd */
  async function insert(rows: FeedbackRow[]): Promise<void> {
    const { getPlatformProxy } = await import('wrangler');
    const { env, dispose } = await getPlatformProxy<{ FEEDBACK_DB: { prepare(sql: string): { bind(...v: unknown[]): { run(): Promise<unknown> } } } }>({
      configPath: 'wrangler.toml', persist: { path: join(state, 'v3') }, remoteBindings: false, envFiles: [],
    });
    try {
      for (const r of rows) {
        await env.FEEDBACK_DB.prepare('INSERT INTO feedback (hash, pixels, label, predicted, model_version, created_at) VALUES (?1, unhex(?2), ?3, ?4, ?5, ?6)')
          .bind(r.hash, r.pixels_hex, r.label, r.predicted, r.model_version, r.created_at).run();
      }
    } finally {
      await dispose();
    }
  }

  beforeAll(async () => {
    const migrated = await run(wrangler, ['d1', 'migrations', 'apply', 'mnist-feedback', '--local', '--persist-to', state]);
    expect(migrated.code, migrated.err + migrated.out).toBe(0);
    await insert([await row(1, 2, '2026-11-29T10:00:00.000Z'), await row(2, 2, '2026-11-29T10:00:01.000Z'), await row(3, 9, '2026-11-29T10:00:02.000Z')]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the plan and a contact sheet, writes only with --yes (exit 2 without it and without a terminal), then appends only what is new', async () => {
    const out = join(dir, 'flow');
    const file = join(out, 'feedback.jsonl');
    const unconfirmed = await exportCli(out);
    expect(unconfirmed.code, unconfirmed.err).toBe(2);
    expect(unconfirmed.out).toMatch(/^ +2 +0 +\+2 +2$/m); // label 2: none in the file, 2 new
    expect(unconfirmed.out).toMatch(/run again with --yes/);
    expect(PNG.sync.read(readFileSync(join(out, 'contact-sheet.png'))).width).toBeGreaterThan(IMAGE_SIDE);
    expect(existsSync(file)).toBe(false);

    const first = await exportCli(out, '--yes');
    expect(first.code, first.err).toBe(0);
    const written = loadExtra(file);
    expect(first.out).toMatch(new RegExp(`^${written.count} examples → .*feedback\\.jsonl \\(${written.count} in all\\)$`, 'm'));
    expect(Array.from(written.labels).slice(0, 3)).toEqual([2, 2, 9]); // oldest first
    expect(Array.from(written.images.subarray(0, D))).toEqual(pixels(1));

    await insert([await row(100, 0, '2026-11-29T10:00:03.000Z')]);
    const second = await exportCli(out, '--yes');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`${written.count} already in`);
    expect(second.out).toMatch(new RegExp(`^1 example → .*\\(${written.count + 1} in all\\)$`, 'm'));
    expect(loadExtra(file).count).toBe(written.count + 1);
  }, 240_000);

  it('reads the same rows through wrangler d1 execute --json (the --remote path) as through the local proxy', async () => {
    const sql = 'SELECT hash, hex(pixels) AS pixels_hex, label, predicted, model_version, created_at, source FROM feedback ORDER BY hash';
    const viaWrangler = await wranglerRows(sql, { remote: false, persistTo: state });
    const viaProxy = await readLocalRows(state);
    expect(viaWrangler.length).toBeGreaterThanOrEqual(3); // the other test may have added one
    expect(viaWrangler).toEqual(viaProxy);
  }, 120_000);
});

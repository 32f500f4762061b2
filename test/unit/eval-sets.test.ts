import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecodedImage } from '../../shared/image/decoded';
import { decodePng } from '../../shared/image/png';
import { preprocessImage } from '../../shared/image/preprocess';
import { D } from '../../shared/dims';
import { RECIPES } from '../../scripts/eval/categories';
import { DIGIT_LOOKALIKES, DIGITS, LETTERS, readFontList, readGlyphs } from '../../scripts/eval/glyphs';
import { PREFIX_COUNT, readManifest } from '../../scripts/eval/manifest';
import { generateSet, hashSet, loadSources, MNIST_TEST_COUNT, NOT_A_DIGIT, type EvalSet, type Sources } from '../../scripts/eval/set';
import { loadMnist, type Mnist } from '../../scripts/lib/mnist';

// the evaluation sets of data/eval: what they hold, that they never change unnoticed, and that
// nothing of them reaches training. the whole sets take a minute to generate, so these tests
// generate the first PREFIX_COUNT pictures of each (npm run robustness checks the whole hashes).

/** the worker refuses pictures wider or taller than this (worker/images.ts MAX_IMAGE_SIDE) */
const MAX_SIDE = 1024;

let mnist: Mnist;
let sources: Sources;
const prefixes = new Map<string, EvalSet>();

beforeAll(() => {
  mnist = loadMnist();
  sources = loadSources(mnist.test);
  for (const r of RECIPES) prefixes.set(r.name, generateSet({ ...r, count: PREFIX_COUNT }, sources));
}, 170_000);

const allFonts = () => {
  const list = readFontList();
  return { evalFonts: [...list.eval.handwriting, ...list.eval.printed], trainingFonts: [...list.training.handwriting, ...list.training.printed] };
};

describe('the font split', () => {
  it('shares no font id, file or family between evaluation and training', () => {
    const { evalFonts, trainingFonts } = allFonts();
    for (const key of ['id', 'file', 'family'] as const) {
      const training = new Set(trainingFonts.map((f) => f[key]));
      expect(evalFonts.filter((f) => training.has(f[key])).map((f) => f[key]), key).toEqual([]);
    }
  });

  it('has committed outlines of every digit for every evaluation font, and none for training fonts', () => {
    const { evalFonts, trainingFonts } = allFonts();
    for (const f of evalFonts) expect(Object.keys(readGlyphs(f.id).glyphs).filter((c) => DIGITS.includes(c)).sort().join(''), f.id).toBe(DIGITS);
    const committed = readdirSync('data/eval/glyphs').map((name) => name.replace(/\.json$/, ''));
    expect(committed.sort()).toEqual(evalFonts.map((f) => f.id).sort());
    expect(committed.filter((id) => trainingFonts.some((f) => f.id === id))).toEqual([]);
  });

  it('leaves the letters that look like digits out of the letters set', () => {
    for (const c of DIGIT_LOOKALIKES) expect(LETTERS).not.toContain(c);
    expect(LETTERS).toMatch(/^[A-Za-z]+$/);
    expect(LETTERS.length).toBe(52 - DIGIT_LOOKALIKES.length);
  });

  it('keeps the committed evaluation data small', () => {
    const sizes = (dir: string): number[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? sizes(join(dir, n)) : [statSync(join(dir, n)).size]));
    const all = sizes('data/eval');
    expect(Math.max(...all)).toBeLessThan(2 * 1024 * 1024);
    expect(all.reduce((a, b) => a + b, 0)).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('each evaluation set', () => {
  it('is listed in data/eval/sets.json with its recipe’s count and seed', () => {
    const manifest = readManifest();
    expect(manifest.sets.map((s) => s.name)).toEqual(RECIPES.map((r) => r.name));
    for (const r of RECIPES) expect(manifest.sets.find((s) => s.name === r.name), r.name).toMatchObject({ kind: r.kind, count: r.count, seed: r.seed });
  });

  it('holds pictures a user might send: whole-number luminance, alpha in 1/255 steps, at most 1024 px a side', () => {
    for (const [name, set] of prefixes) {
      expect(set.items.length, name).toBe(PREFIX_COUNT);
      for (const { image } of set.items) {
        expect(image.width, name).toBeGreaterThanOrEqual(16);
        expect(image.height, name).toBeGreaterThanOrEqual(16);
        expect(Math.max(image.width, image.height), name).toBeLessThanOrEqual(MAX_SIDE);
        expect(image.gray.length).toBe(image.width * image.height);
        expect(image.gray.every((v) => Number.isInteger(v) && v >= 0 && v <= 255), name).toBe(true);
        if (image.alpha) expect(image.alpha.every((a) => a >= 0 && a <= 1 && Math.abs(a * 255 - Math.round(a * 255)) < 1e-4), name).toBe(true);
      }
    }
  });

  it('labels digit pictures 0..9, each digit present, and out-of-distribution pictures as no digit', () => {
    for (const [name, set] of prefixes) {
      const labels = new Set(set.items.map((it) => it.label));
      if (set.kind === 'digits') expect([...labels].sort(), name).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      else expect([...labels], name).toEqual([NOT_A_DIGIT]);
    }
  });

  it('comes out the same from the same seed, as recorded in data/eval/sets.json', () => {
    const manifest = readManifest();
    for (const r of RECIPES.slice(0, 3)) expect(hashSet(generateSet({ ...r, count: 10 }, sources)), r.name).toBe(hashSet({ ...prefixes.get(r.name)!, items: prefixes.get(r.name)!.items.slice(0, 10) }));
    for (const [name, set] of prefixes) expect(hashSet(set), `${name}: the generator changed; run npm run eval:build and commit data/eval/sets.json`).toBe(manifest.sets.find((s) => s.name === name)!.prefixSha256);
  });

  it('comes out different from another seed', () => {
    const r = RECIPES[0];
    expect(hashSet(generateSet({ ...r, seed: r.seed + 1, count: 5 }, sources))).not.toBe(hashSet({ ...prefixes.get(r.name)!, items: prefixes.get(r.name)!.items.slice(0, 5) }));
  });

  it('reads the same through a png as the Worker would decode it', async () => {
    for (const [name, set] of prefixes) {
      for (const { image } of set.items.slice(0, 3)) {
        const decoded = await decodePng(encodePng(image));
        expect([decoded.width, decoded.height], name).toEqual([image.width, image.height]);
        expect(firstDifference(decoded.gray, image.gray), `${name}: luminance`).toBe(-1);
        expect(decoded.alpha === null, `${name}: has alpha`).toBe(image.alpha === null);
        if (image.alpha) expect(firstDifference(decoded.alpha!, image.alpha), `${name}: alpha`).toBe(-1);
        expect(firstDifference(preprocessImage(decoded), preprocessImage(image)), `${name}: model input`).toBe(-1);
      }
    }
  });
});

describe('the sets are kept apart from training', () => {
  it('draws mnist digits from the test files (t10k) only, none of them equal to a training digit', () => {
    const trainHashes = new Set<string>();
    for (let i = 0; i < mnist.train.count; i++) trainHashes.add(sha1(mnist.train.images.subarray(i * D, (i + 1) * D)));
    let used = 0;
    for (const set of prefixes.values())
      for (const { mnistTest } of set.items)
        for (const index of mnistTest) {
          expect(Number.isInteger(index) && index >= 0 && index < MNIST_TEST_COUNT).toBe(true);
          expect(trainHashes.has(sha1(mnist.test.images.subarray(index * D, (index + 1) * D)))).toBe(false);
          used++;
        }
    expect(used).toBeGreaterThan(0);
  });

  it('gives the generators only the mnist test split: no generator mentions the training files', () => {
    for (const file of filesUnder('scripts/eval')) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/train-images|\.train\b|loadExtra/);
    }
  });

  it('is read by no trainer code, and the generators share no code with the training augmentation', () => {
    // the training report (scripts/train/report.ts, --robustness) scores the saved model file on the
    // sets after training; everything that trains or fits (temperature, uncertain flag) must not read them
    const report = join('scripts', 'train', 'report.ts');
    const fitting = ['scripts/lib/calibration.ts', 'scripts/lib/uncertainty.ts', ...filesUnder('scripts/tune')];
    // the line reader's trainer too (scripts/train-reader.ts, scripts/reader/)
    const trainer = ['scripts/train.ts', 'scripts/train-reader.ts', 'scripts/lib/mnist.ts', 'scripts/lib/extra-data.ts', ...filesUnder('scripts/train').filter((f) => f !== report), ...filesUnder('scripts/reader'), ...filesUnder('shared'), ...fitting];
    for (const file of trainer) expect(readFileSync(file, 'utf8'), file).not.toMatch(/data\/eval\b|scripts\/eval\/|from '(\.\.?\/)+eval\//);
    for (const file of filesUnder('scripts/eval')) expect(readFileSync(file, 'utf8'), file).not.toMatch(/shared\/train\//);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** the first index where two arrays differ, -1 when they are equal (length included) */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** an 8-bit grey (or grey + alpha) png of a picture, by pngjs, independent of the project's decoder */
function encodePng(image: DecodedImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = image.gray[i];
    png.data[4 * i + 3] = image.alpha ? Math.round(image.alpha[i] * 255) : 255;
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: image.alpha ? 4 : 0 }));
}

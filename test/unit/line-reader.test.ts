import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { lineImage, LINE_ROWS } from '../../shared/image/line';
import { labelMarks } from '../../shared/image/segment';
import { decodeModel, encodeLineReader } from '../../shared/model/format';
import { PLAIN_INPUT } from '../../shared/model/input';
import { decodeLineReader, LINE_CLASSES, readLine } from '../../shared/model/line-reader';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { LINE_READER_VERSION } from '../../shared/model/line-reader-file';
import { createNetwork, initHe } from '../../shared/model/network';
import { readerNetwork } from '../../scripts/reader/train';
import { predictorFor } from '../../shared/model/predict';
import { readPicture } from '../../shared/model/read';
import { createRng } from '../../shared/rng';
import { readableLine } from '../../shared/train/line-set';
import { numberLine } from '../../shared/train/number-pieces';
import { loadMnist } from '../../scripts/lib/mnist';

const DEFAULT_MODEL = await decodeModel(new Uint8Array(readFileSync('models/default.bin')));
/**
 * of 120 lines of 3–7 overlapping mnist test digits the cuts alone read 46 exactly and with the bundled
 * line reader and the arbiter 81 (68 with fixed margins, 58 with the dense-only reader before it): it
 * must read at least TOUCHING_GAIN more (none without it). of 120 lines written apart the cuts read 112
 * and with the reader 110 (it is asked about groups from 0.35 of their height, and may split a wide
 * digit): at least APART_EXACT, and at most APART_LOSS fewer than the cuts
 */
const TOUCHING_GAIN = 30;
const APART_EXACT = 108;
const APART_LOSS = 3;

/** filled discs of radius r centred at (x, y) on a width × height ink map */
function discs(width: number, height: number, centres: [number, number][], r: number): Float32Array {
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (centres.some(([cx, cy]) => Math.hypot(x - cx, y - cy) <= r)) ink[y * width + x] = 255;
  return ink;
}

describe('a line as the line reader sees it', () => {
  it('straightens a tilted line and scales it to LINE_ROWS rows, keeping its proportions', () => {
    // five dots along a slope of 0.1 (a photo turned ~6°): straightened, they share their rows
    const W = 220, H = 80;
    const centres: [number, number][] = [20, 60, 100, 140, 180].map((x) => [x, 25 + 0.1 * x]);
    const ink = discs(W, H, centres, 8);
    const labels = labelMarks(ink, W, H);
    const line = lineImage(ink, labels, labels.marks.map((m) => m.id));
    expect(line.pixels.length).toBe(LINE_ROWS * line.width);
    // tilted, their box would be 17 + 16 rows tall; straight, it is the dots' own 17: 177 columns × 28/17
    expect(Math.abs(line.width - Math.round((177 * LINE_ROWS) / 17))).toBeLessThanOrEqual(3);
    const rowOf = (x0: number, x1: number) => {
      let m = 0, my = 0;
      for (let y = 0; y < LINE_ROWS; y++) for (let x = x0; x < x1; x++) (m += line.pixels[y * line.width + x]), (my += y * line.pixels[y * line.width + x]);
      return my / m;
    };
    const first = rowOf(0, Math.round(line.width / 5)), last = rowOf(Math.round((4 * line.width) / 5), line.width);
    expect(Math.abs(first - last)).toBeLessThan(1);
    // where it lies in the ink map: its first column and ink columns per line column
    expect(line.left).toBe(12);
    expect(line.scale).toBeCloseTo(17 / LINE_ROWS, 5);
  });
});

describe('the line reader model file', () => {
  it('round-trips as a line reader, and neither kind of file is taken for the other', async () => {
    const net = readerNetwork([4, 8], [16]);
    initHe(net, createRng(1));
    const file = await encodeLineReader(net, { dataset: 'test' }, 'float32', PLAIN_INPUT);
    const reader = await decodeLineReader(file);
    expect(reader.network.params).toEqual(net.params);
    expect(reader.network.kinds).toEqual(net.kinds);
    expect(reader.inputScale).toBeCloseTo(1 / 255, 9);
    await expect(decodeModel(file)).rejects.toThrow(/a line reader, not a digit model/);
    await expect(decodeModel(new Uint8Array(readFileSync('models/default.bin')), 'line')).rejects.toThrow(/a digit model, not a line reader/);
  });

  it('refuses a reader of dense layers only (the windows of earlier versions) with what to do', async () => {
    const dense = createNetwork([D, 8, LINE_CLASSES]);
    initHe(dense, createRng(2));
    await expect(decodeLineReader(await encodeLineReader(dense, {}, 'float32', PLAIN_INPUT))).rejects.toThrow(/retrain it with `npm run train:reader`/);
  });

  it('ships with the Worker: the bundled file decodes to the version it is named by', async () => {
    const reader = await bundledLineReader();
    expect(reader.version).toBe(LINE_READER_VERSION);
    expect(reader.network.sizes[0]).toBe(D);
    expect(reader.network.kinds[0]).toMatchObject({ kind: 'conv', stride: 2 });
    expect(reader.network.sizes[reader.network.sizes.length - 1]).toBe(LINE_CLASSES);
  });
});

describe('reading numbers with the line reader (the committed default model and the bundled reader, mnist TEST digits)', () => {
  const { test } = loadMnist();
  const source = (i: number) => ({ image: test.images.subarray(i * D, (i + 1) * D), label: test.labels[i] });
  const predictor = predictorFor(DEFAULT_MODEL);
  /** `count` lines of 3–7 test digits with gaps in `gaps` (share of their height), as dark ink on paper */
  const lines = (count: number, gaps: [number, number], seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: count }, () => {
      const line = numberLine(source, test.count, 3 + rng.int(5), rng, gaps);
      return { picture: { width: line.width, height: line.height, gray: line.ink.map((v) => 255 - v), alpha: null }, text: line.text.join('') };
    });
  };
  const exact = async (set: ReturnType<typeof lines>, withReader: boolean) => {
    const lineReader = withReader ? await bundledLineReader() : null;
    const readers = { predictPacked: (p: Float32Array, B: number) => predictor.predictPacked(p, B), lineReader };
    return set.filter(({ picture, text }) => readPicture(picture, readers).text === text).length;
  };

  it('reads a line better at 4 phases of its frames than at 1', async () => {
    // of the same 120 overlapping lines read whole, 88 exactly at one phase, 92 at four (89 at two)
    const reader = await bundledLineReader();
    const touching = lines(120, [-0.15, -0.05], 17).map(({ picture, text }) => ({ line: readableLine(picture)!, text }));
    const exactAt = (phases: number) => touching.filter(({ line, text }) => readLine(reader, line, phases).digits.join('') === text).length;
    expect(exactAt(4)).toBeGreaterThanOrEqual(exactAt(1) + 3);
  });

  it('reads the lines of a picture at 4 phases when the budget holds 4 times their columns, whatever the plan asks', async () => {
    const lineReader = await bundledLineReader();
    const touching = lines(30, [-0.15, -0.05], 17);
    const read = (linePhases: number) =>
      touching.map(({ picture }) => {
        const r = readPicture(picture, { predictPacked: (p, B) => predictor.predictPacked(p, B), lineReader, lineColumns: 16_000, linePhases });
        return `${r.text} ${r.digits.map((d) => d.confidence.toFixed(6)).join(',')}`;
      });
    // a single phase reads some of these lines otherwise (the test above): with room for 4, 1 asked is 4 read
    expect(read(1)).toEqual(read(4));
  });

  it('reads more numbers of overlapping digits exactly than cutting them apart does', async () => {
    const touching = lines(120, [-0.15, -0.05], 17);
    const [cut, read] = [await exact(touching, false), await exact(touching, true)];
    expect(read).toBeGreaterThanOrEqual(cut + TOUCHING_GAIN);
  });

  it('reads digits written apart about as the cuts do', async () => {
    const apart = lines(120, [0.1, 0.4], 18);
    const [cut, read] = [await exact(apart, false), await exact(apart, true)];
    expect(read).toBeGreaterThanOrEqual(cut - APART_LOSS);
    expect(read).toBeGreaterThanOrEqual(APART_EXACT);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { LINE_ROWS } from '../../shared/image/line';
import { LINE_CLASSES } from '../../shared/model/line-reader';
import { createRng } from '../../shared/rng';
import { trainingLines, variedSource } from '../../shared/train/line-set';
import { loadMnist } from '../../scripts/lib/mnist';
import { READER_DEFAULTS, trainReader } from '../../scripts/reader/train';

// the line reader's training (npm run train:reader) on a few lines: what it draws, and that CTC learns

const { train } = loadMnist();
const source = (i: number) => ({ image: train.images.subarray(i * D, (i + 1) * D), label: train.labels[i] });
const hash = (lines: ReturnType<typeof trainingLines>) => {
  const h = createHash('sha256');
  for (const { line, label } of lines) h.update(new Uint8Array(line.pixels.buffer)).update(label.join(''));
  return h.digest('hex');
};

describe('the line reader\'s training', () => {
  it('draws lines of 1–8 training digits as /read finds them: LINE_ROWS rows, the same lines for the same seed', () => {
    const lines = trainingLines(source, 1000, 60, createRng(4));
    expect(lines).toHaveLength(60);
    for (const { line, label } of lines) {
      expect(line.pixels.length).toBe(LINE_ROWS * line.width);
      expect(label.length).toBeGreaterThanOrEqual(1);
      expect(label.length).toBeLessThanOrEqual(8);
      // a line of n digits is roughly n digit-widths wide: somewhere between 0.3 and 1.4 of its height each
      expect(line.width).toBeGreaterThan(0.3 * LINE_ROWS * label.length);
      expect(line.width).toBeLessThan(1.5 * LINE_ROWS * label.length + 0.7 * LINE_ROWS * (label.length - 1));
    }
    expect(new Set(lines.map((l) => l.label.length)).size).toBeGreaterThan(4);
    expect(hash(trainingLines(source, 1000, 60, createRng(4)))).toBe(hash(lines));
    expect(hash(trainingLines(source, 1000, 60, createRng(5)))).not.toBe(hash(lines));
  });

  it('varies the share of digits it is asked to (train:reader --vary), keeping their labels, the same for the same seed', () => {
    const varied = (share: number, seed: number) => {
      const from = variedSource(source, createRng(seed), share);
      return Array.from({ length: 200 }, (_, i) => from(i));
    };
    const changed = (digits: ReturnType<typeof varied>) => digits.filter((d, i) => d.image.some((v, k) => v !== source(i).image[k])).length;
    for (const d of varied(0.5, 1)) expect(d.image).toHaveLength(D);
    expect(varied(0.5, 1).map((d) => d.label)).toEqual(Array.from({ length: 200 }, (_, i) => source(i).label));
    expect(changed(varied(0, 1))).toBe(0);
    expect(changed(varied(1, 1))).toBeGreaterThan(190);
    const half = changed(varied(0.5, 1));
    expect(half).toBeGreaterThan(70);
    expect(half).toBeLessThan(130);
    const bytes = (digits: ReturnType<typeof varied>) => createHash('sha256').update(Buffer.concat(digits.map((d) => Buffer.from(d.image)))).digest('hex');
    expect(bytes(varied(1, 1))).toBe(bytes(varied(1, 1)));
    expect(bytes(varied(1, 2))).not.toBe(bytes(varied(1, 1)));
  });

  it('learns: the CTC loss falls epoch after epoch, to under 80% of the first epoch\'s by the fourth', () => {
    const lines = trainingLines(source, 1000, 120, createRng(6));
    const epochs: number[] = [];
    const { network, epochs: report } = trainReader(lines, lines.slice(0, 40), { ...READER_DEFAULTS, channels: [4, 8], hidden: [32], epochs: 4, batchLines: 4, lr: 3e-3 }, createRng(7), 1 / 255, (e) => epochs.push(e.loss));
    expect(network.sizes).toEqual([D, 14 * 14 * 4, 7 * 7 * 8, 32, LINE_CLASSES]);
    expect(report.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    for (let e = 1; e < epochs.length; e++) expect(epochs[e]).toBeLessThan(epochs[e - 1]);
    expect(epochs[3]).toBeLessThan(0.8 * epochs[0]);
  });
});

import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { ImageError } from '../../shared/image/decoded';
import { createRng } from '../../shared/rng';
import { labelPieces, NOT_A_DIGIT_LABEL, numberLine, numberPieceSet, type DigitSource } from '../../shared/train/number-pieces';
import { loadMnist } from '../../scripts/lib/mnist';
import { pieceTrainingSet } from '../../scripts/synth/piece-set';

const mnist = loadMnist();
const source: DigitSource = (i) => ({ image: mnist.train.images.subarray(i * D, (i + 1) * D), label: mnist.train.labels[i] });
/** a source that always gives the digits of `indices` in turn, whatever index is asked for */
const fixed = (indices: number[]): DigitSource => {
  let n = 0;
  return () => source(indices[n++ % indices.length]);
};
/** the first training image of each label */
const firstOf = (label: number) => mnist.train.labels.indexOf(label);

describe('training pieces of numbers (shared/train/number-pieces.ts)', () => {
  it('draws a line whose ink is the brightest of its digits\' layers, one layer per digit of its text', () => {
    const line = numberLine(source, 1000, 4, createRng(5));
    expect(line.layers).toHaveLength(4);
    expect(line.text).toHaveLength(4);
    for (let p = 0; p < line.ink.length; p++) expect(line.ink[p]).toBe(Math.max(...line.layers.map((l) => l[p])));
    for (const layer of line.layers) expect(layer.some((v) => v > 0)).toBe(true);
  });

  it('labels each digit of a line written apart as itself, and nothing as no digit', () => {
    // lines are drawn with random gaps: find seeds whose lines leave every digit its own mark
    let seen = 0;
    for (let seed = 0; seen < 5 && seed < 200; seed++) {
      const digits = [firstOf(4), firstOf(7), firstOf(0)];
      const line = numberLine(fixed(digits), 1, 3, createRng(seed));
      const pieces = labelPieces(line);
      if (pieces.length !== 3) continue; // touching: cut candidates too
      seen++;
      expect(pieces.map((p) => p.label)).toEqual([4, 7, 0]);
    }
    expect(seen).toBe(5);
  });

  it('labels a candidate holding two touching digits as no digit, and finds each of them alone among the cuts', () => {
    let seen = 0;
    for (let seed = 0; seen < 5 && seed < 60; seed++) {
      const line = numberLine(fixed([firstOf(3), firstOf(5)]), 1, 2, createRng(seed), [-0.2, -0.1]);
      let pieces: ReturnType<typeof labelPieces>;
      try {
        pieces = labelPieces(line);
      } catch (e) {
        if (e instanceof ImageError) continue; // overlapping so much the reader refuses it as a filled shape
        throw e;
      }
      if (pieces.length === 2) continue; // with a thin pen they may still not touch: two digits, nothing to cut
      seen++;
      const labels = pieces.map((p) => p.label);
      // the first candidate is the whole group: both digits
      expect(labels[0]).toBe(NOT_A_DIGIT_LABEL);
      expect(labels).toContain(3);
      expect(labels).toContain(5);
    }
    expect(seen).toBe(5);
  });

  it('keeps no-digit pieces up to the share asked of the digit pieces, and is the same bytes for the same seed', () => {
    const a = numberPieceSet(source, 5000, 60, createRng(9), 0.5);
    const b = numberPieceSet(source, 5000, 60, createRng(9), 0.5);
    expect(a.count).toBe(a.digits + a.junk);
    expect(a.digits).toBeGreaterThan(100);
    expect(a.junk).toBe(Math.round(0.5 * a.digits));
    expect(Array.from(a.labels.subarray(0, a.digits)).every((l) => l <= 9)).toBe(true);
    expect(Array.from(a.labels.subarray(a.digits)).every((l) => l === NOT_A_DIGIT_LABEL)).toBe(true);
    expect(Buffer.from(b.images).equals(Buffer.from(a.images))).toBe(true);
    expect(Buffer.from(b.labels).equals(Buffer.from(a.labels))).toBe(true);
  });

  it('draws the trainer\'s pieces only from the images it may train on, never the calibration images after them', () => {
    const asked: number[] = [];
    const train = { ...mnist.train, images: mnist.train.images, labels: mnist.train.labels };
    const watched = new Proxy(train.images, {
      get(target, key, receiver) {
        if (key === 'subarray') return (from: number, to: number) => (asked.push(from / D), target.subarray(from, to));
        const v = Reflect.get(target, key, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    pieceTrainingSet({ ...train, images: watched as Uint8Array }, 300, 40, 1);
    expect(asked.length).toBeGreaterThan(50);
    expect(Math.max(...asked)).toBeLessThan(300);
  });
});

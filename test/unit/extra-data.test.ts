import { describe, expect, it } from 'vitest';
import { D, K } from '../../shared/dims';
import { capExtra, describeCap, DEFAULT_EXTRA_MAX_SHARE } from '../../scripts/lib/extra-data';
import type { Split } from '../../scripts/lib/mnist';
import { parseCli, UsageError } from '../../scripts/train/cli';

// train --extra: people's corrections join the training set, at most a small share of each label.

/** labels repeated `counts[k]` times each for label k; image i's first pixel is i % 256 and its second i >> 8, so every image is traceable */
function split(counts: number[]): Split {
  const labels = Uint8Array.from(counts.flatMap((n, k) => new Array<number>(n).fill(k)));
  const images = new Uint8Array(labels.length * D);
  labels.forEach((_, i) => {
    images[i * D] = i % 256;
    images[i * D + 1] = i >> 8;
  });
  return { count: labels.length, images, labels };
}

const idOf = (s: Split, i: number) => s.images[i * D] + 256 * s.images[i * D + 1];
const ids = (s: Split) => Array.from({ length: s.count }, (_, i) => idOf(s, i));

/** 1,000 MNIST-like training labels per digit */
const BASE = split(new Array<number>(K).fill(1000)).labels;

describe('capExtra', () => {
  it('keeps every extra image of a label under its share, and exactly the limit of one over it', () => {
    // 2% of 1,000 = 20 per label; label 3 has 50, label 7 has 5
    const extra = split([0, 0, 0, 50, 0, 0, 0, 5, 0, 0]);
    const c = capExtra(extra, BASE, 0.02, 1);
    expect(c.limit).toEqual(new Array(K).fill(20));
    expect(c.kept[3]).toBe(20);
    expect(c.dropped[3]).toBe(30);
    expect(c.kept[7]).toBe(5);
    expect(c.dropped[7]).toBe(0);
    expect(c.split.count).toBe(25);
    expect(Array.from(c.split.labels).filter((l) => l === 3)).toHaveLength(20);
  });

  it("sizes each label's limit by that label's count in the training images", () => {
    const base = split([100, 400, 0, 0, 0, 0, 0, 0, 0, 0]).labels;
    const c = capExtra(split([30, 30, 30, 0, 0, 0, 0, 0, 0, 0]), base, 0.05, 1);
    expect(c.limit.slice(0, 3)).toEqual([5, 20, 0]);
    expect(c.kept.slice(0, 3)).toEqual([5, 20, 0]);
  });

  it('moves each image with its own label, keeps the original order, and keeps the same ones for the same seed', () => {
    const extra = split([40, 40, 0, 0, 0, 0, 0, 0, 0, 0]);
    const a = capExtra(extra, BASE, 0.01, 7);
    const kept = ids(a.split);
    expect(kept).toEqual([...kept].sort((x, y) => x - y));
    kept.forEach((id, i) => expect(a.split.labels[i], `image ${id}`).toBe(extra.labels[id]));
    expect(ids(capExtra(extra, BASE, 0.01, 7).split)).toEqual(kept);
    expect(ids(capExtra(extra, BASE, 0.01, 8).split)).not.toEqual(kept);
  });

  it('draws the kept ones from the whole label, not just the first sent', () => {
    // 10 of 400: with a uniform sample, some come from the later half
    const c = capExtra(split([400, 0, 0, 0, 0, 0, 0, 0, 0, 0]), BASE, 0.01, 1);
    expect(ids(c.split).some((id) => id >= 200)).toBe(true);
    expect(ids(c.split).some((id) => id < 200)).toBe(true);
  });

  it('adds nothing with a share of 0, and everything with a share large enough', () => {
    const extra = split([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(capExtra(extra, BASE, 0, 1).split.count).toBe(0);
    expect(capExtra(extra, BASE, 1, 1).split.images).toEqual(extra.images);
  });

  it('says how many were kept and dropped per label', () => {
    const c = capExtra(split([0, 0, 0, 50, 0, 0, 0, 5, 0, 0]), BASE, 0.02, 1);
    const text = describeCap(c, 0.02);
    expect(text).toMatch(/kept 25 of 55: at most 2% of each label's training images \(--extra-max-share 0\.02\), 20 to 20 a label here/);
    expect(text).toMatch(/by label: 0: 0, 1: 0, 2: 0, 3: 20 \(30 dropped\), .*7: 5, 8: 0, 9: 0$/);
  });
});

describe('train --extra-max-share', () => {
  it(`defaults to ${DEFAULT_EXTRA_MAX_SHARE} and takes a number ≥ 0`, () => {
    expect(parseCli([]).extraMaxShare).toBe(DEFAULT_EXTRA_MAX_SHARE);
    expect(parseCli(['--extra-max-share', '0.1']).extraMaxShare).toBe(0.1);
    expect(() => parseCli(['--extra-max-share', '-1'])).toThrow(UsageError);
    expect(() => parseCli(['--extra-max-share', 'half'])).toThrow(/--extra-max-share must be a number ≥ 0, got "half"/);
  });
});

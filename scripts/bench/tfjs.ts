// the same network and settings trained with TensorFlow.js, for the benchmark:
//   tsx scripts/bench/tfjs.ts <cpu|wasm> <samples> [epochs]
// prints one JSON line: {"anchor":"tfjs-<backend>","samples_per_sec":…,"test_accuracy":…}
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { D, K } from '../../shared/dims';
import { loadMnist } from '../lib/mnist';

const backend = process.argv[2] ?? 'wasm';
const samples = Number(process.argv[3] ?? 10000);
const epochs = Number(process.argv[4] ?? 1);

if (backend === 'wasm') {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(join(dist, '/'));
}
await tf.setBackend(backend);
await tf.ready();

const data = loadMnist();
const toTensors = (images: Uint8Array, labels: Uint8Array, n: number) => {
  const x = new Float32Array(n * D);
  for (let i = 0; i < n * D; i++) x[i] = images[i] / 255;
  return { x: tf.tensor2d(x, [n, D]), y: tf.oneHot(tf.tensor1d(Array.from(labels.subarray(0, n)), 'int32'), K) };
};
const train = toTensors(data.train.images, data.train.labels, samples);
const test = toTensors(data.test.images, data.test.labels, data.test.count);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [D], units: 128, activation: 'relu', kernelInitializer: 'heNormal' }),
    tf.layers.dense({ units: K, activation: 'softmax', kernelInitializer: 'heNormal' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

const t0 = performance.now();
await model.fit(train.x, train.y, { batchSize: 64, epochs, shuffle: true, verbose: 0 });
const seconds = (performance.now() - t0) / 1000;
const [, acc] = model.evaluate(test.x, test.y, { batchSize: 1000 }) as tf.Scalar[];
console.log(JSON.stringify({ anchor: `tfjs-${backend}`, backend: tf.getBackend(), samples: samples * epochs, seconds, samples_per_sec: (samples * epochs) / seconds, test_accuracy: (await acc.data())[0] }));

import { loadMnist } from '../lib/mnist';
import { toMnist } from '../../shared/image/preprocess';
import { morphBy } from '../../shared/train/morph';
import { binomialBlur, lowResolution, inkFloor } from '../../shared/train/degrade';
const m = loadMnist(undefined, false);
const N = 5000;
const imgs = Array.from({ length: N }, (_, i) => Float32Array.from(m.train.images.subarray(i * 784, i * 784 + 784), (v) => v / 255));
const a = new Float32Array(784), b = new Float32Array(784), small = new Float32Array(784);
function time(name: string, f: (img: Float32Array) => void) {
  for (let r = 0; r < 2; r++) {
    const u0 = process.cpuUsage(); const t = (u0.user + u0.system) / 1000;
    for (const img of imgs) f(img.slice());
    if (r) console.log(name, (((process.cpuUsage().user + process.cpuUsage().system) / 1000 - t) * 1000 / N).toFixed(1), 'µs');
  }
}
time('copy', () => {});
time('toMnist', (img) => { for (let i = 0; i < 784; i++) img[i] *= 255; toMnist(img, 28, 28); });
time('morph 1.5', (img) => morphBy(img, a, 28, 28, 1.5));
time('blur 1.5', (img) => binomialBlur(img, a, 1.5));
time('lowres 12', (img) => lowResolution(img, small, 12));
time('inkFloor', (img) => inkFloor(img, 0.15));

// profiles reading a 6-digit number on a 600×200 canvas, stage by stage (npx tsx scripts/dev/read-prof.ts)
import { readFileSync } from 'node:fs';
import { D } from '../../shared/dims';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { pictureInk, readInk, READ_SIDE } from '../../shared/model/read';
import { reduceImage } from '../../shared/image/preprocess';
import { loadMnist } from '../lib/mnist';

const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const mnist = loadMnist().test.images;
const W = 600, H = 200;
const ink = new Float32Array(W * H);
let at = 12;
for (let k = 0; k < 6; k++) {
  for (let y = 0; y < 98; y++) for (let x = 0; x < 98; x++) {
    const v = mnist[k * D + Math.floor(y / 3.5) * 28 + Math.floor(x / 3.5)];
    if (v) ink[(50 + y) * W + at + x] = Math.max(ink[(50 + y) * W + at + x], v);
  }
  at += 90;
}
const img = reduceImage({ width: W, height: H, gray: ink.map((v) => 235 - (205 * v) / 255), alpha: null }, READ_SIDE);
let B = 0;
const counting = { predictPacked: (p: Float32Array, b: number) => ((B = b), predictor.predictPacked(p, b)) };
const time = (f: () => void, n = 200) => {
  for (let i = 0; i < 20; i++) f();
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / n; // CPU, not wall: the machine is shared
};
const inkMs = time(() => pictureInk(img));
const pics = Array.from({ length: 220 }, () => pictureInk(img));
let k = 0;
const readMs = time(() => readInk(pics[k++], counting));
const packed = new Float32Array(6 * D);
for (let i = 0; i < 6; i++) packed.set(mnist.subarray(i * D, (i + 1) * D), i * D);
const fwdMs = time(() => predictor.predictPacked(packed, 6));
console.log({ size: `${img.width}x${img.height}`, inkMs, readMs, forward6Ms: fwdMs, candidates: B, text: readInk(pictureInk(img), predictor).text });

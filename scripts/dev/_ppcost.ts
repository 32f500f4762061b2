import { D, PIXEL_MAX } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { photograph } from '../../shared/train/photo';
import { preprocessImage, inkMap } from '../../shared/image/preprocess';
import { dropSpecks, flattenLighting } from '../../shared/image/normalize';
import { loadMnist } from '../lib/mnist';
const m = loadMnist(undefined, false).test;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const photos = Array.from({ length: 40 }, (_, k) => photograph(Float32Array.from(m.images.subarray(k * D, (k + 1) * D), (v) => v / PIXEL_MAX), createRng(k), { minZoom: 10, maxZoom: 10, minPaper: 140, minContrast: 50, maxShade: 0.3, maxNoise: 10, maxBlock: 6, inverted: 0.1 }));
console.log('size', photos[0].width, photos[0].height);
for (let r = 0; r < 3; r++) {
  let t = cpu(); for (const p of photos) preprocessImage(p); const full = (cpu() - t) / photos.length;
  t = cpu(); for (const p of photos) flattenLighting(p); const fl = (cpu() - t) / photos.length;
  t = cpu(); for (const p of photos) { const ink = inkMap(p); dropSpecks(ink, p.width, p.height); } const ds = (cpu() - t) / photos.length;
  t = cpu(); for (const p of photos) inkMap(p); const im = (cpu() - t) / photos.length;
  console.log(`ms cpu: preprocessImage ${full.toFixed(2)} flatten ${fl.toFixed(2)} inkMap ${im.toFixed(2)} inkMap+dropSpecks ${ds.toFixed(2)}`);
}

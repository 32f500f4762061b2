import { D, PIXEL_MAX } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { photograph, photoRoundTrip } from '../../shared/train/photo';
import { loadMnist } from '../lib/mnist';
import { writeGrid } from '../synth/grid';
import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';
const m = loadMnist(undefined, false).test;
const cells: Float32Array[] = [];
const rng = createRng(5);
let fails = 0;
const t0 = performance.now();
for (let k = 0; k < 48; k++) {
  const src = Float32Array.from(m.images.subarray(k * D, (k + 1) * D), (v) => v / PIXEL_MAX);
  const out = new Float32Array(D);
  if (k < 2) { const p = photograph(src, createRng(k)); const png = new PNG({ width: p.width, height: p.height }); for (let i = 0; i < p.gray.length; i++) { png.data[4*i]=png.data[4*i+1]=png.data[4*i+2]=p.gray[i]; png.data[4*i+3]=255; } writeFileSync(`/tmp/photo${k}.png`, PNG.sync.write(png)); }
  if (!photoRoundTrip(out, src, rng)) fails++;
  cells.push(src, out);
}
console.log('ms per photo', (performance.now() - t0) / 48, 'fails', fails);
writeGrid('/tmp/photo-grid.png', cells, 12);

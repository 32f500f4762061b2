import { inflateSync, deflateSync } from 'node:zlib';
import { decodePng, decodePngReduced } from './shared/image/png';
import { inflateZlib } from './shared/image/inflate';
import { preprocessImage } from './shared/image/preprocess';
import { encodePng, scanlines } from './test/unit/helpers/png-encode';
import { createRng } from './shared/rng';
const cpu = async (f: () => unknown, n: number) => { const t = process.cpuUsage(); for (let i = 0; i < n; i++) await f(); const d = process.cpuUsage(t); return ((d.user + d.system) / n / 1000).toFixed(2); };
for (const side of [256, 512, 1024]) {
  const rng = createRng(1);
  const samples = new Uint8Array(side * side).map((_, i) => { const x = i % side, y = Math.floor(i / side); const ink = Math.abs(x - y) < side / 20 ? 1 : 0; return Math.max(0, Math.min(255, 235 - 205 * ink + rng.int(13) - 6)); });
  const spec = { width: side, height: side, bitDepth: 8, colorType: 0, samples, filters: [4] };
  const png = encodePng(spec);
  const raw = scanlines(spec); const comp = new Uint8Array(deflateSync(raw)); const out = new Uint8Array(raw.length);
  const red = await decodePngReduced(png, 256);
  for (let r = 0; r < 3; r++) {
    console.log(side, png.length, 'zlib', await cpu(() => inflateSync(comp), 10), 'js inflate', await cpu(() => inflateZlib([comp], out), 10),
      'decode full', await cpu(() => decodePng(png), 10), 'reduced', await cpu(() => decodePngReduced(png, 256), 10), 'preprocess reduced', await cpu(() => preprocessImage(red), 10));
  }
}

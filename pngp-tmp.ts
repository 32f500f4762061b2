import { decodePngReduced } from './shared/image/png';
import { encodePng } from './test/unit/helpers/png-encode';
import { createRng } from './shared/rng';
const side = 512; const rng = createRng(1);
const samples = new Uint8Array(side * side * 4).map((_, i) => { const p = i >> 2; const x = p % side, y = Math.floor(p / side); const ink = Math.abs(x - y) < side / 20 ? 1 : 0; return (i & 3) === 3 ? 255 : Math.max(0, Math.min(255, 235 - 205 * ink + rng.int(13) - 6)); });
const png = encodePng({ width: side, height: side, bitDepth: 8, colorType: 6, samples, filters: [4] });
const t = process.cpuUsage(); for (let i = 0; i < 60; i++) await decodePngReduced(png, 128); const d = process.cpuUsage(t); console.log('ms/decode', (d.user + d.system) / 60000, png.length);

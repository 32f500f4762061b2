import { deflateSync } from 'node:zlib';
import { inflateZlib } from './shared/image/inflate';
import { scanlines } from './test/unit/helpers/png-encode';
import { createRng } from './shared/rng';
const side = 512; const rng = createRng(1);
const samples = new Uint8Array(side * side * 4).map((_, i) => { const p = i >> 2; const x = p % side, y = Math.floor(p / side); const ink = Math.abs(x - y) < side / 20 ? 1 : 0; return (i & 3) === 3 ? 255 : Math.max(0, Math.min(255, 235 - 205 * ink + rng.int(13) - 6)); });
const raw = scanlines({ width: side, height: side, bitDepth: 8, colorType: 6, samples, filters: [4] });
const comp = new Uint8Array(deflateSync(raw)); const out = new Uint8Array(raw.length);
for (let r = 0; r < 5; r++) { const t = process.cpuUsage(); for (let i = 0; i < 20; i++) inflateZlib([comp], out); const d = process.cpuUsage(t); console.log('inflate ms', ((d.user + d.system) / 20000).toFixed(2), 'ns/byte', ((d.user + d.system) * 1000 / 20 / raw.length).toFixed(1)); }
import { inflateSync } from 'node:zlib';
for (let r = 0; r < 3; r++) { const t = process.cpuUsage(); for (let i = 0; i < 20; i++) inflateSync(comp); const d = process.cpuUsage(t); console.log('zlib ms', ((d.user + d.system) / 20000).toFixed(2), 'ns/byte', ((d.user + d.system) * 1000 / 20 / raw.length).toFixed(1), 'compressed', comp.length, 'raw', raw.length); }
let sum = 0; for (let r = 0; r < 3; r++) { const t = process.cpuUsage(); for (let i = 0; i < 20; i++) for (let j = 0; j < raw.length; j++) sum += raw[j]; const d = process.cpuUsage(t); console.log('plain byte loop ns/byte', ((d.user + d.system) * 1000 / 20 / raw.length).toFixed(2)); }

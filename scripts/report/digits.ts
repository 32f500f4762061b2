// the sample grid: one SVG, each digit a tiny grayscale PNG (data URI) with its prediction underneath
import { crc32, deflateSync } from 'node:zlib';
import { IMAGE_SIDE } from '../../shared/dims.js';
import type { SampleRecord } from './types.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** 8-bit grayscale PNG of a side x side image (row-major, 0 = black) */
export function encodeGrayPng(gray: Uint8Array, side: number): Buffer {
  const raw = Buffer.alloc(side * (side + 1));
  for (let y = 0; y < side; y++) {
    raw[y * (side + 1)] = 0; // filter: none
    raw.set(gray.subarray(y * side, (y + 1) * side), y * (side + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, no filter set, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** an MNIST digit (ink bright) as dark ink on paper, scaled up by nearest neighbour, as a data URI */
export function digitPngDataUri(pixels: Uint8Array, scale = 2): string {
  const side = IMAGE_SIDE * scale;
  const gray = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      gray[y * side + x] = 255 - pixels[Math.floor(y / scale) * IMAGE_SIDE + Math.floor(x / scale)];
    }
  }
  return `data:image/png;base64,${encodeGrayPng(gray, side).toString('base64')}`;
}

export const isMisclassified = (s: SampleRecord): boolean => s.predicted !== s.label;

const percent = (c: number): string => `${Math.floor(c * 100)}%`;

const CELL_W = 92, CELL_H = 108, IMG = 56, PAD = 6;

/** columns x rows grid; misclassified digits get a red frame and a "true N" line */
export function digitGridSvg(samples: SampleRecord[], columns = 10): string {
  const cols = Math.max(1, Math.min(columns, samples.length));
  const rows = Math.ceil(samples.length / cols);
  const width = cols * CELL_W + PAD * 2, height = rows * CELL_H + PAD * 2;
  const cells = samples.map((s, i) => {
    const x = PAD + (i % cols) * CELL_W, y = PAD + Math.floor(i / cols) * CELL_H;
    const wrong = isMisclassified(s);
    const cx = CELL_W / 2;
    const ix = (CELL_W - IMG) / 2;
    return `<g class="digit${wrong ? ' wrong' : ''}" transform="translate(${x},${y})">` +
      `<title>true ${s.label}, predicted ${s.predicted} (${(s.confidence * 100).toFixed(1)}%)</title>` +
      `<rect x="${ix - 4}" y="2" width="${IMG + 8}" height="${IMG + 8}" rx="4" fill="#fff" ` +
      (wrong ? 'stroke="#d62728" stroke-width="3"/>' : 'stroke="#d0d0d0" stroke-width="1"/>') +
      `<image x="${ix}" y="6" width="${IMG}" height="${IMG}" href="${digitPngDataUri(s.pixels)}" style="image-rendering:pixelated"/>` +
      `<text x="${cx}" y="${IMG + 26}" class="pred">pred ${s.predicted} (${percent(s.confidence)})</text>` +
      (wrong ? `<text x="${cx}" y="${IMG + 42}" class="true">true ${s.label}</text>` : '') +
      '</g>';
  });
  // the <style> is scoped to svg.digits: an inline SVG's stylesheet applies to the whole HTML page
  return `<svg xmlns="http://www.w3.org/2000/svg" class="digits" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sample test digits with predictions">` +
    '<style>svg.digits text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-anchor:middle;fill:#333}' +
    'svg.digits .wrong .pred{fill:#d62728;font-weight:600}svg.digits .true{fill:#d62728;font-weight:700}</style>' +
    cells.join('') + '</svg>';
}

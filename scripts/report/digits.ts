// the sample grid: one SVG, each digit a tiny grayscale PNG (data URI) with its prediction underneath
import { IMAGE_SIDE } from '../../shared/dims.js';
import { encodeGrayPng } from '../lib/png.js';
import type { SampleRecord } from './types.js';

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

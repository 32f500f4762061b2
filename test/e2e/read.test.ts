import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hostServer, launch } from './helpers';

// client.js's read() on another origin, against wrangler dev serving the committed default model:
// numbers drawn on a wide canvas with a round pen, the way the number pad would, read right.

const worker = inject('worker');

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>read</title><link rel="icon" href="data:,"><script type="module" src="/read-test.js"></script></head><body>${body}</body></html>`;

/** strokes in one digit's box (0..1 across and down), as test/e2e/helpers.ts draws them */
const STROKES: Record<string, [number, number][][]> = {
  '0': [Array.from({ length: 31 }, (_, i) => { const t = -Math.PI / 2 - (2 * Math.PI * i) / 28; return [0.5 + 0.3 * Math.cos(t), 0.5 + 0.42 * Math.sin(t)] as [number, number]; })],
  '1': [[[0.55, 0.08], [0.5, 0.5], [0.46, 0.92]]],
  '2': [[[0.2, 0.3], [0.35, 0.1], [0.65, 0.1], [0.78, 0.3], [0.6, 0.55], [0.2, 0.9], [0.82, 0.9]]],
  '4': [[[0.45, 0.08], [0.22, 0.6], [0.82, 0.6]], [[0.66, 0.3], [0.66, 0.94]]],
  '5': [[[0.75, 0.1], [0.3, 0.1], [0.27, 0.45], [0.6, 0.42], [0.77, 0.62], [0.65, 0.88], [0.25, 0.88]]],
  '7': [[[0.2, 0.12], [0.8, 0.12], [0.62, 0.5], [0.45, 0.92]]],
};

const files = (w: string): Record<string, string> => ({
  '/read.html': page('<h1>read</h1>'),
  '/read-test.js': `
import { read } from '${w}/client.js';
const STROKES = ${JSON.stringify(STROKES)};
/** a number on a 600×200 canvas: each digit in a 90×130 box, 30 px apart, dark round strokes on white */
function pad(text) {
  const canvas = document.createElement('canvas');
  canvas.width = 600; canvas.height = 200;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 600, 200);
  ctx.strokeStyle = '#111'; ctx.lineWidth = 12; ctx.lineCap = ctx.lineJoin = 'round';
  [...text].forEach((ch, i) => {
    const x0 = 40 + i * 120, y0 = 35;
    for (const stroke of STROKES[ch]) {
      ctx.beginPath();
      stroke.forEach(([x, y], k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, x0 + x * 90, y0 + y * 130));
      ctx.stroke();
    }
  });
  return canvas;
}
window.results = (async () => {
  const out = {};
  for (const text of ['42', '2025', '1750']) {
    try { out[text] = await read(pad(text)); } catch (e) { out[text] = { error: String(e) }; }
  }
  try { await read(pad('')); } catch (e) { out.blank = { code: e.code, status: e.status }; }
  return out;
})();
`,
});

let browser: Browser;
let host: Awaited<ReturnType<typeof hostServer>>;

beforeAll(async () => {
  browser = await launch();
  host = await hostServer(files, worker);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('client.js read() on another origin', () => {
  it('reads "42", "2025" and "1750" drawn on a 600×200 canvas, with boxes in the canvas pixels, and a blank canvas is a 422', async () => {
    const tab = await browser.newPage();
    await tab.goto(host.origin + '/read.html');
    await tab.waitForFunction(() => (window as any).results !== undefined);
    const results = await tab.evaluate(() => (window as any).results);
    for (const text of ['42', '2025', '1750']) {
      expect(results[text].text, JSON.stringify(results[text]).slice(0, 300)).toBe(text);
      results[text].digits.forEach((d: any, i: number) => {
        // digit i was drawn in the box from x = 40 + 120 i, 90 wide (pen 12 px): its box lies about there
        expect(d.box.x).toBeGreaterThan(40 + 120 * i - 12);
        expect(d.box.x + d.box.width).toBeLessThan(40 + 120 * i + 90 + 12);
      });
    }
    expect(results.blank).toEqual({ code: 'no_digit', status: 422 });
    await tab.close();
  });
});

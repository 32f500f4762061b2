import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE, K } from '../../shared/dims.js';
import { perClassFromConfusion } from '../../scripts/lib/evaluate.js';
import { encodeGrayPng } from '../../scripts/lib/png.js';
import { accuracyChartSvg, confusionChartSvg, lossChartSvg } from '../../scripts/report/charts.js';
import { digitGridSvg, digitPngDataUri } from '../../scripts/report/digits.js';
import type { EpochRecord, RunReport, SampleRecord } from '../../scripts/report/types.js';
import { writeReport } from '../../scripts/report/write.js';

const root = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const epoch = (n: number): EpochRecord => ({
  epoch: n, trainLoss: 0.3 / n, trainAccuracy: 0.9 + 0.008 * n, testLoss: 0.2 / n, testAccuracy: 0.92 + 0.006 * n,
  seconds: 10, samplesPerSec: 6000, learningRate: 0.001,
});

function digit(seed: number): Uint8Array {
  const px = new Uint8Array(D);
  for (let i = 0; i < D; i++) px[i] = (i * 31 + seed * 17) % 256;
  return px;
}

// diagonal 970 + row, off-diagonal small; two distinctive counts to look for
function confusionMatrix(): number[][] {
  const m = Array.from({ length: K }, (_, t) => Array.from({ length: K }, (_, p) => (t === p ? 970 + t : (t + p) % 3)));
  m[4][9] = 37;
  m[1][1] = 1127;
  return m;
}

function makeReport(epochs: number): RunReport {
  const samples: SampleRecord[] = [
    { pixels: digit(1), label: 7, predicted: 7, confidence: 0.991 },
    { pixels: digit(2), label: 2, predicted: 7, confidence: 0.63 },
    { pixels: digit(3), label: 1, predicted: 1, confidence: 0.999 },
  ];
  return {
    title: 'test run <b>& co</b>',
    settings: { optimizer: 'adam', 'batch size': 64, augment: false },
    figures: { 'test accuracy': '97.9%', 'samples/s': 6123 },
    epochs: Array.from({ length: epochs }, (_, i) => epoch(i + 1)),
    confusion: confusionMatrix(),
    samples,
  };
}

describe('charts', () => {
  it('render SVG for several epochs, one epoch and none', async () => {
    for (const n of [0, 1, 5]) {
      const epochs = Array.from({ length: n }, (_, i) => epoch(i + 1));
      for (const svg of [await lossChartSvg(epochs), await accuracyChartSvg(epochs)]) {
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).not.toContain('NaN');
      }
    }
    const acc = await accuracyChartSvg([epoch(1), epoch(2)]);
    expect(acc).toContain('%'); // percentage axis labels
    expect(acc).toContain('train');
    expect(acc).toContain('test');
  });

  it('confusion heatmap shows the counts', async () => {
    const svg = await confusionChartSvg(confusionMatrix());
    expect(svg).toContain('>1127<');
    expect(svg).toContain('>37<');
  });
});

/** the gray level of each pixel of a PNG, decoded by pngjs (which expands gray to RGBA) */
function grayPixels(png: Buffer): { width: number; height: number; gray: number[] } {
  const { width, height, data } = PNG.sync.read(png);
  return { width, height, gray: Array.from({ length: width * height }, (_, i) => data[4 * i]) };
}

/** data:image/png;base64 URIs of every <image> in some markup */
const pngDataUris = (markup: string) => [...markup.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));

describe('digits', () => {
  it('encodes a grayscale PNG that an independent decoder reads back pixel for pixel', () => {
    const gray = Uint8Array.from({ length: 6 * 4 }, (_, i) => i * 11);
    const png = encodeGrayPng(gray, 6, 4);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png[25]).toBe(0); // IHDR colour type: grayscale
    expect(grayPixels(png)).toEqual({ width: 6, height: 4, gray: Array.from(gray) });
    // a view into a larger buffer encodes only its own pixels
    const inner = new Uint8Array(40).fill(7).subarray(8, 12);
    expect(grayPixels(encodeGrayPng(inner, 2)).gray).toEqual([7, 7, 7, 7]);
    expect(() => encodeGrayPng(gray, 5)).toThrow(/needs 25 pixels, got 24/);
  });

  it('draws a digit as dark ink on paper, twice the size', () => {
    const pixels = digit(4);
    const [png] = pngDataUris(`href="${digitPngDataUri(pixels)}"`);
    const { width, height, gray } = grayPixels(png);
    expect([width, height]).toEqual([2 * IMAGE_SIDE, 2 * IMAGE_SIDE]);
    for (const [x, y] of [[0, 0], [5, 3], [55, 55], [30, 17]]) {
      expect(gray[y * width + x], `pixel (${x}, ${y})`).toBe(255 - pixels[Math.floor(y / 2) * IMAGE_SIDE + Math.floor(x / 2)]);
    }
  });

  it('marks misclassified digits with a red frame and the true label', () => {
    const svg = digitGridSvg(makeReport(1).samples);
    expect(svg.match(/<image /g)).toHaveLength(3);
    expect(svg.match(/class="digit wrong"/g)).toHaveLength(1);
    expect(svg).toContain('pred 7 (99%)');
    expect(svg).toContain('pred 7 (63%)');
    expect(svg).toContain('class="true">true 2<');
    expect(svg).not.toContain('>true 7<');
  });
});

describe('writeReport', () => {
  it('writes a self-contained index.html and report.json', async () => {
    const dir = join(root, 'full');
    const report = makeReport(6);
    const index = await writeReport(dir, report);
    expect(index).toBe(join(dir, 'index.html'));
    expect(existsSync(index)).toBe(true);

    const html = readFileSync(index, 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4); // loss, accuracy, confusion, digits
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain('test run &lt;b&gt;&amp; co&lt;/b&gt;');
    expect(html).toContain('>1127<');
    expect(html).toContain('>37<');
    expect(html).toContain('class="digit wrong"');
    expect(html).toContain('true 2');
    expect(html).toContain('1 misclassified');
    expect(html).toContain('adam');
    expect(html).toContain('6123');
    const pngs = pngDataUris(html);
    expect(pngs).toHaveLength(report.samples.length);
    pngs.forEach((png, i) => expect(grayPixels(png).gray[0], `sample ${i}`).toBe(255 - report.samples[i].pixels[0]));

    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport & { samples: { pixels: number[] }[] };
    expect(json.title).toBe(report.title);
    expect(json.confusion).toEqual(report.confusion);
    expect(json.epochs).toEqual(report.epochs);
    expect(json.samples[1].pixels).toEqual(Array.from(report.samples[1].pixels));
  });

  it('works with a single epoch', async () => {
    const index = await writeReport(join(root, 'one', 'nested'), makeReport(1));
    const html = readFileSync(index, 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('1 epoch ·');
    expect(html).not.toContain('NaN');
  });

  it('computes per-class precision and recall when not given', async () => {
    const m = confusionMatrix();
    const pc = perClassFromConfusion(m);
    const colSum = m.reduce((s, r) => s + r[4], 0);
    const rowSum = m[4].reduce((a, b) => a + b, 0);
    expect(pc[4].precision).toBeCloseTo(m[4][4] / colSum, 12);
    expect(pc[4].recall).toBeCloseTo(m[4][4] / rowSum, 12);
    const html = readFileSync(await writeReport(join(root, 'per-class'), makeReport(2)), 'utf8');
    const digit4 = html.match(/<tr><th scope="row">4<\/th><td[^>]*>([\d.]+)%<\/td><td[^>]*>([\d.]+)%<\/td>/);
    expect(digit4?.slice(1)).toEqual([((m[4][4] / colSum) * 100).toFixed(2), ((m[4][4] / rowSum) * 100).toFixed(2)]);
  });
});

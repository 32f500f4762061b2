import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { D, K } from '../../shared/dims.js';
import { accuracyChartSvg, confusionChartSvg, lossChartSvg } from '../../scripts/report/charts.js';
import { digitGridSvg, encodeGrayPng } from '../../scripts/report/digits.js';
import type { EpochRecord, RunReport, SampleRecord } from '../../scripts/report/types.js';
import { perClassFromConfusion, writeReport } from '../../scripts/report/write.js';

/** the gray level of each pixel of pngjs's RGBA, checking that it is gray and opaque */
function rgbaToGray(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 1] !== data[i] || data[i + 2] !== data[i] || data[i + 3] !== 255) throw new Error(`pixel ${i / 4} is not opaque gray: ${data.subarray(i, i + 4).join(',')}`);
    out.push(data[i]);
  }
  return out;
}

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

describe('digits', () => {
  it('encodes a PNG that an independent decoder reads back pixel for pixel', () => {
    const gray = Uint8Array.from({ length: 5 * 5 }, (_, i) => (i * 53) % 256);
    const png = PNG.sync.read(encodeGrayPng(gray, 5));
    expect([png.width, png.height]).toEqual([5, 5]);
    expect(rgbaToGray(png.data)).toEqual(Array.from(gray));
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
    // each digit is a 56×56 PNG: the sample's 28×28 pixels doubled, as dark ink on white paper
    const images = [...html.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1], 'base64')));
    expect(images).toHaveLength(report.samples.length);
    images.forEach((png, n) => {
      expect([png.width, png.height]).toEqual([56, 56]);
      const pixels = report.samples[n].pixels;
      const expected = Array.from({ length: 56 * 56 }, (_, i) => 255 - pixels[Math.floor(i / 112) * 28 + Math.floor((i % 56) / 2)]);
      expect(rgbaToGray(png.data), `digit ${n}`).toEqual(expected);
    });

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

  it('computes per-class precision and recall when not given', () => {
    const m = confusionMatrix();
    const pc = perClassFromConfusion(m);
    const colSum = m.reduce((s, r) => s + r[4], 0);
    const rowSum = m[4].reduce((a, b) => a + b, 0);
    expect(pc[4].precision).toBeCloseTo(m[4][4] / colSum, 12);
    expect(pc[4].recall).toBeCloseTo(m[4][4] / rowSum, 12);
  });
});

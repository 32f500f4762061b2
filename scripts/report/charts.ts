// charts as standalone SVG strings: vega-lite spec -> vega spec -> headless vega View (no browser, no canvas)
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReliabilityBin } from '../../shared/model/calibration.js';
import type { EpochRecord } from './types.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const SERIES = { domain: ['train', 'test'], range: ['#3b6fb6', '#e8762b'] };
const config = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, orient: 'top', direction: 'horizontal', title: null, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 400 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function placeholderSvg(text: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60"><text x="10" y="35" font-family='${FONT}' font-size="13" fill="#666">${text}</text></svg>`;
}

/** x domain on whole epochs; a lone epoch gets room on both sides so its points sit mid-chart */
function epochDomain(epochs: EpochRecord[]): [number, number] {
  const xs = epochs.map((e) => e.epoch);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

interface LineOptions {
  title: string;
  yTitle: string;
  pick: (e: EpochRecord) => { train: number; test: number };
  y: { domain?: [number, number]; zero?: boolean; format?: string };
}

function lineChartSvg(epochs: EpochRecord[], o: LineOptions): Promise<string> {
  if (epochs.length === 0) return Promise.resolve(placeholderSvg(`${o.title}: no epochs recorded`));
  const values = epochs.flatMap((e) => {
    const v = o.pick(e);
    return [{ epoch: e.epoch, set: 'train', value: v.train }, { epoch: e.epoch, set: 'test', value: v.test }];
  });
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: 440,
    height: 240,
    config,
    data: { values },
    mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch', type: 'quantitative', title: 'epoch',
        scale: { domain: epochDomain(epochs), nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'value', type: 'quantitative', title: o.yTitle,
        scale: o.y.domain ? { domain: o.y.domain, nice: false, zero: false } : { zero: o.y.zero ?? true },
        axis: o.y.format ? { format: o.y.format } : {},
      },
      color: { field: 'set', type: 'nominal', scale: SERIES },
      strokeDash: { field: 'set', type: 'nominal', scale: { domain: SERIES.domain, range: [[1, 0], [6, 3]] } },
    },
  });
}

export function lossChartSvg(epochs: EpochRecord[]): Promise<string> {
  return lineChartSvg(epochs, {
    title: 'Loss per epoch',
    yTitle: 'cross-entropy loss',
    pick: (e) => ({ train: e.trainLoss, test: e.testLoss }),
    y: { zero: true },
  });
}

/** y axis zoomed to the data (fractions shown as percentages), padded a little and kept inside 0..100% */
export function accuracyChartSvg(epochs: EpochRecord[]): Promise<string> {
  const all = epochs.flatMap((e) => [e.trainAccuracy, e.testAccuracy]).filter(Number.isFinite);
  const lo = all.length ? Math.min(...all) : 0, hi = all.length ? Math.max(...all) : 1;
  const pad = Math.max((hi - lo) * 0.08, 0.002);
  const domain: [number, number] = [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  return lineChartSvg(epochs, {
    title: 'Accuracy per epoch',
    yTitle: 'accuracy',
    pick: (e) => ({ train: e.trainAccuracy, test: e.testAccuracy }),
    y: { domain, format: domain[1] - domain[0] < 0.05 ? '.1%' : '.0%' },
  });
}

function mix(from: [number, number, number], to: [number, number, number], t: number): string {
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * t));
  return `rgb(${c.join(',')})`;
}

/** heatmap of [true][predicted] counts: the diagonal in blue, errors in red shaded against the worst confusion */
export function confusionChartSvg(confusion: number[][]): Promise<string> {
  const k = confusion.length;
  let worst = 0;
  confusion.forEach((row, t) => row.forEach((n, p) => { if (t !== p) worst = Math.max(worst, n); }));
  const cells = confusion.flatMap((row, t) => row.map((count, p) => {
    const share = t === p || worst === 0 ? 0 : Math.pow(count / worst, 0.6);
    const fill = t === p ? '#2f64a8' : mix([255, 255, 255], [203, 24, 29], share);
    const ink = t === p || share > 0.55 ? '#ffffff' : count === 0 ? '#c4c4c4' : '#222222';
    return { t: String(t), p: String(p), count, fill, ink };
  }));
  const digits = Array.from({ length: k }, (_, i) => String(i));
  const axis = { labelAngle: 0, labelFontSize: 12, domain: false, ticks: false };
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 42 * k,
    height: 42 * k,
    config,
    data: { values: cells },
    encoding: {
      x: { field: 'p', type: 'ordinal', title: 'predicted digit', sort: digits, axis: { ...axis, orient: 'top' } },
      y: { field: 't', type: 'ordinal', title: 'true digit', sort: digits, axis },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
        encoding: { fill: { field: 'fill', type: 'nominal', scale: null, legend: null } },
      },
      {
        mark: { type: 'text', fontSize: 11, fontWeight: 600 },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: 'd' },
          fill: { field: 'ink', type: 'nominal', scale: null, legend: null },
        },
      },
    ],
  });
}

export interface ReliabilityPoint {
  series: string; // 'before' (temperature 1) or 'after' (the fitted temperature)
  confidence: number; // the bin's mean confidence
  accuracy: number; // the share of its answers that were right
  count: number;
}

/** the points of a reliability diagram: one per non-empty bin and series */
export function reliabilityPoints(before: ReliabilityBin[], after: ReliabilityBin[]): ReliabilityPoint[] {
  const points = (series: string, bins: ReliabilityBin[]) =>
    bins.filter((b) => b.count > 0).map((b) => ({ series, confidence: b.confidence, accuracy: b.accuracy, count: b.count }));
  return [...points('before', before), ...points('after', after)];
}

const CALIBRATION_SERIES = { domain: ['before', 'after'], range: ['#e8762b', '#3b6fb6'] };

/**
 * confidence against accuracy per confidence bin, before and after temperature scaling: a
 * calibrated model's points lie on the diagonal. point area grows with the bin's answers.
 */
export function reliabilityChartSvg(title: string, before: ReliabilityBin[], after: ReliabilityBin[]): Promise<string> {
  const values = reliabilityPoints(before, after);
  if (values.length === 0) return Promise.resolve(placeholderSvg(`${title}: no answers`));
  const axis = { format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] };
  const scale = { domain: [0, 1], nice: false, zero: true };
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 300,
    height: 300,
    config,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', color: '#9aa0a6', strokeDash: [4, 4], strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale } },
      },
      {
        data: { values },
        encoding: {
          x: { field: 'confidence', type: 'quantitative', title: 'confidence (mean of the bin)', scale, axis },
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale, axis },
          color: { field: 'series', type: 'nominal', scale: CALIBRATION_SERIES, title: null },
        },
        layer: [
          { mark: { type: 'line', strokeWidth: 2 } },
          { mark: { type: 'circle', opacity: 0.9 }, encoding: { size: { field: 'count', type: 'quantitative', scale: { type: 'sqrt', range: [16, 300] }, legend: null } } },
        ],
      },
    ],
  });
}

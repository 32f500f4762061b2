import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { D, K } from '../../shared/dims.js';
import { reliabilityBins } from '../../shared/model/calibration.js';
import { sentPngDataUri } from '../../scripts/lib/robustness.js';
import { reliabilityChartSvg, reliabilityPoints } from '../../scripts/report/charts.js';
import { mistakesGridSvg } from '../../scripts/report/robustness.js';
import type { MistakeRecord, RobustnessReport, RunReport } from '../../scripts/report/types.js';
import { writeReport } from '../../scripts/report/write.js';
import { rowFigures, tallyRows, type SetTally, type Tally } from '../../scripts/eval/read-score.js';

const root = mkdtempSync(join(tmpdir(), 'report-robustness-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 10 answers: four at 0.95 (three right), two at 0.62 (one right), four at 0.35 (one right)
const confidence = [0.95, 0.95, 0.95, 0.95, 0.62, 0.62, 0.35, 0.35, 0.35, 0.35];
const correct = [true, true, true, false, true, false, true, false, false, false];
const sharper = confidence.map((c) => Math.min(1, c * 1.04));

const mistake = (set: string, predicted: number): MistakeRecord => ({
  set, label: 3, predicted, confidence: 0.97, uncertain: set === 'photo',
  sent: sentPngDataUri({ width: 300, height: 150, gray: new Float32Array(300 * 150).fill(230), alpha: null }),
  seen: Uint8Array.from({ length: D }, (_, i) => (i % 29 === 0 ? 255 : 0)),
});

function robustness(): RobustnessReport {
  return {
    temperature: 1.4321,
    sets: [
      { name: 'MNIST test', kind: 'digits', about: 'mnist', count: 10000, accuracy: 0.9812, rejected: 0, ece: 0.0042, eceUncalibrated: 0.0321, flagged: 0.021, flaggedCorrect: 0.011 },
      { name: 'photo', kind: 'digits', about: 'photographed digits', count: 1000, accuracy: 0.9437, rejected: 0.003, ece: 0.0187, eceUncalibrated: 0.0555, flagged: 0.12, flaggedCorrect: 0.07 },
      { name: 'letters', kind: 'ood', about: 'letters', count: 700, accuracy: null, rejected: 0.01, ece: null, eceUncalibrated: null, flagged: 0.777, flaggedCorrect: null },
    ],
    reliability: [{ title: 'MNIST test', before: reliabilityBins(confidence, correct), after: reliabilityBins(sharper, correct) }],
    mistakes: [mistake('photo', 8), mistake('printed', 5)],
  };
}

const report = (r?: RobustnessReport): RunReport => ({
  title: 'run', settings: {}, figures: {}, epochs: [],
  confusion: Array.from({ length: K }, (_, t) => Array.from({ length: K }, (_, p) => (t === p ? 90 : 1))),
  samples: [], ...(r ? { robustness: r } : {}),
});

describe('the reliability diagram', () => {
  it('has one point per non-empty bin and series, at the bin\'s mean confidence and accuracy', () => {
    const points = reliabilityPoints(reliabilityBins(confidence, correct), reliabilityBins(sharper, correct));
    const before = points.filter((p) => p.series === 'before');
    // 0.35 is in bin 5 [0.333, 0.4), 0.62 in bin 9 [0.6, 0.667), 0.95 in bin 14 [0.933, 1]
    expect(before.map((p) => [p.confidence, p.accuracy, p.count])).toEqual([[0.35, 0.25, 4], [0.62, 0.5, 2], [0.95, 0.75, 4]]);
    const after = points.filter((p) => p.series === 'after');
    expect(after).toHaveLength(3);
    expect(after[0].confidence).toBeCloseTo(0.364, 12);
    expect(after[2].accuracy).toBe(0.75);
  });

  it('renders as SVG with both series named and no NaN from the empty bins', async () => {
    const svg = await reliabilityChartSvg('MNIST test', reliabilityBins(confidence, correct), reliabilityBins(sharper, correct));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('before');
    expect(svg).toContain('after');
    expect(svg).not.toContain('NaN');
    expect(await reliabilityChartSvg('empty', reliabilityBins([], []), reliabilityBins([], []))).toContain('no answers');
  });
});

describe('the robustness section', () => {
  it('shows each set\'s accuracy, calibration and flag rate, the diagrams, and the mistakes as sent and as seen', async () => {
    const html = readFileSync(await writeReport(join(root, 'with'), report(robustness())), 'utf8');
    expect(html).toContain('id="robustness"');
    expect(html).toContain('T = 1.4321');
    expect(html).toMatch(/photo<\/th><td>1000<\/td><td>94\.37%<\/td><td>5\.55%<\/td><td>1\.87%<\/td><td>12\.0%<\/td><td>7\.0%<\/td><td>0\.3%<\/td>/);
    expect(html).toMatch(/letters<\/th><td>700<\/td><td colspan="3">not a digit<\/td><td>77\.7%<\/td>/);
    expect(html.match(/class="mistake"/g)).toHaveLength(2);
    expect(html.match(/class="sent"/g)).toHaveLength(2);
    expect(html.match(/class="seen"/g)).toHaveLength(2);
    expect(html).toContain('8 at 97%, true 3');
    expect(html).toContain('photo · flagged');
    expect(html).not.toContain('NaN');
    const json = JSON.parse(readFileSync(join(root, 'with', 'report.json'), 'utf8')) as { robustness: RobustnessReport };
    expect(json.robustness.sets[1].ece).toBe(0.0187);
  });

  it('is left out when the run did not score the evaluation sets', async () => {
    const html = readFileSync(await writeReport(join(root, 'without'), report()), 'utf8');
    expect(html).not.toContain('id="robustness"');
  });

  it('shrinks a large picture as sent to at most 112 pixels a side', () => {
    const uri = mistake('photo', 1).sent;
    const png = Buffer.from(uri.split(',')[1], 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([112, 56]);
    expect(mistakesGridSvg([])).toContain('<svg');
  });
});

const tally = (numbers: number, exact: number, digits: number, digitsRight: number): Tally =>
  ({ numbers, exact, digits, digitsRight, singlesRight: digits, confident: numbers, confidentExact: exact });

describe('the numbers section', () => {
  // two sets: 10 numbers of 2 digits (8 exact) and 4 of 3 digits (1 exact), split by gap
  const sets: SetTally[] = [
    { name: 'mnist-scan', all: tally(10, 8, 20, 19), byLength: new Map([[2, tally(10, 8, 20, 19)]]), byGap: new Map([['wide', tally(10, 8, 20, 19)]]) },
    { name: 'phone', all: tally(4, 1, 12, 9), byLength: new Map([[3, tally(4, 1, 12, 9)]]), byGap: new Map([['touching', tally(4, 1, 12, 9)]]) },
  ];

  it('adds the sets up into one row for all sets, then one per length and per gap', () => {
    const rows = tallyRows(sets);
    expect(rows.map((r) => `${r.group}:${r.name}`)).toEqual(['set:mnist-scan', 'set:phone', 'all:all sets', 'length:2 digits', 'length:3 digits', 'gap:gap: touching', 'gap:gap: wide']);
    const all = rows.find((r) => r.group === 'all')!.tally;
    expect(rowFigures(all)).toMatchObject({ exact: 9 / 14, perDigit: 28 / 32, alone: 1 });
  });

  it('shows every row\'s exact match and per-digit accuracy, and the headline of short numbers that do not touch', async () => {
    const rows = tallyRows(sets).map(({ name, group, tally: t }) => ({ name, group, numbers: t.numbers, ...rowFigures(t) }));
    const html = readFileSync(await writeReport(join(root, 'numbers'), report({ ...robustness(), numbers: { rows, shortApart: { n: 40, exact: 37 } } })), 'utf8');
    expect(html).toContain('id="numbers"');
    expect(html).toMatch(/<strong>all sets<\/strong><\/th><td>14<\/td><td>64\.3%<\/td><td>87\.5%<\/td><td>100\.0%<\/td>/);
    expect(html).toMatch(/gap: touching<\/th><td>4<\/td><td>25\.0%<\/td><td>75\.0%<\/td>/);
    expect(html).toContain('37/40 exact (92.5%)');
    const plain = readFileSync(await writeReport(join(root, 'no-numbers'), report(robustness())), 'utf8');
    expect(plain).not.toContain('id="numbers"');
  });
});

// what reading a line costs POST /read against what shared/model/read-cost.ts lineColumns charges for it:
// CPU of readLine at one phase (medians of 21 passes after 2 warm-up passes) for lines drawn as /read
// finds them (shared/train/line-set.ts, MNIST training digits: touching, close and apart, 1–8 digits,
// photographed, some small) and lines drawn to cost the most per inked cell (noise of every density,
// inked end to end, stripes, sparse dots; 10 to 400 columns). it prints the least charge / CPU (below 1.1:
// the charge under-prices lines, refit it) and the cheapest charge of the same form that covers 1.1× every
// line, fitted to charge the lines /read finds the least. npx tsx scripts/dev/line-cost.ts [--lines 300] [--reader FILE]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { D } from '../../shared/dims';
import { LINE_ROWS, type LineImage } from '../../shared/image/line';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { decodeLineReader, readLine } from '../../shared/model/line-reader';
import { inkedCells, paddedWidth } from '../../shared/model/line-frames';
import { COLUMN_MS, lineColumns } from '../../shared/model/read-cost';
import { createRng } from '../../shared/rng';
import { trainingLines } from '../../shared/train/line-set';
import { loadMnist } from '../lib/mnist';

const MARGIN = 1.1;
const { values } = parseArgs({ options: { lines: { type: 'string', default: '300' }, reader: { type: 'string' } } });
const reader = values.reader ? await decodeLineReader(new Uint8Array(readFileSync(values.reader))) : await bundledLineReader();
const { train } = loadMnist();
const source = (i: number) => ({ image: train.images.subarray(i * D, (i + 1) * D), label: train.labels[i] });
const found = trainingLines(source, 10_000, Number(values.lines), createRng(0x11c0)).map(({ line }) => ({ kind: 'found', line }));
const rng = createRng(9);
const drawn = (kind: string, width: number, ink: (x: number, y: number) => number) => {
  const pixels = new Float32Array(LINE_ROWS * width);
  for (let y = 0; y < LINE_ROWS; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = ink(x, y);
  return { kind, line: { pixels, width, scale: 1, left: 0 } as LineImage };
};
const costly = [10, 30, 60, 120, 250, 400].flatMap((w) => [
  ...[0.05, 0.2, 0.5, 1].map((d) => drawn(`noise ${d}`, w, () => (rng.uniform() < d ? 255 * rng.uniform() : 0))),
  drawn('inked end to end', w, () => 255),
  drawn('stripes', w, (x) => (x % 6 < 2 ? 255 : 0)),
  drawn('dots in a row', w, (x, y) => (x % 8 === 0 && y === 14 ? 255 : 0)),
  drawn('grid of dots', w, (x, y) => (x % 4 === 0 && y % 4 === 0 ? 255 : 0)),
]);
const all = [...found, ...costly];
const cpu = (f: () => void) => { const t = process.cpuUsage(); f(); const d = process.cpuUsage(t); return (d.user + d.system) / 1000; };
for (let pass = 0; pass < 2; pass++) for (const { line } of all) readLine(reader, line, 1);
const times: number[][] = all.map(() => []);
for (let pass = 0; pass < 21; pass++) {
  all.forEach(({ line }, k) => {
    const reps = Math.max(2, Math.round(100 / paddedWidth(line.width)));
    times[k].push(cpu(() => { for (let i = 0; i < reps; i++) readLine(reader, line, 1); }) / reps);
  });
}
const rows = all.map(({ kind, line }, k) => ({ kind, columns: paddedWidth(line.width), cells: inkedCells(reader.network, line), ms: times[k].sort((a, b) => a - b)[10] }));
const ratio = (r: (typeof rows)[number]) => (lineColumns(r.columns, r.cells) * COLUMN_MS) / r.ms;
const byKind = new Map<string, typeof rows>();
for (const r of rows) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
console.log('| lines | n | CPU µs a column | inked cells a column | charge / CPU, least | mean |\n|---|---|---|---|---|---|');
for (const [kind, rs] of byKind) {
  const mean = (f: (r: (typeof rows)[number]) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  console.log(`| ${kind} | ${rs.length} | ${mean((r) => (1000 * r.ms) / r.columns).toFixed(2)} | ${mean((r) => r.cells / r.columns).toFixed(2)} | ${Math.min(...rs.map(ratio)).toFixed(2)} | ${mean(ratio).toFixed(2)} |`);
}
// the cheapest charge a·columns + b·cells ≥ MARGIN × CPU for every line, least over the found lines: a
// two-variable linear program, whose optimum is where two constraints (or one and an axis) meet
const cons = rows.map((r) => [r.columns, r.cells, MARGIN * r.ms]);
const [sumA, sumB] = rows.filter((r) => r.kind === 'found').reduce(([a, b], r) => [a + r.columns, b + r.cells], [0, 0]);
let best: [number, number] | null = null, bestCost = Infinity;
const feasible = (a: number, b: number) => a >= 0 && b >= 0 && cons.every(([x, y, m]) => a * x + b * y >= m * (1 - 1e-9));
const consider = (a: number, b: number) => {
  if (sumA * a + sumB * b < bestCost && feasible(a, b)) [best, bestCost] = [[a, b], sumA * a + sumB * b];
};
for (let i = 0; i < cons.length; i++) {
  const [x1, y1, m1] = cons[i];
  if (x1 > 0) consider(m1 / x1, 0);
  if (y1 > 0) consider(0, m1 / y1);
  for (let j = i + 1; j < cons.length; j++) {
    const [x2, y2, m2] = cons[j];
    const det = x1 * y2 - x2 * y1;
    if (Math.abs(det) > 1e-12) consider((m1 * y2 - m2 * y1) / det, (x1 * m2 - x2 * m1) / det);
  }
}
const found1 = rows.filter((r) => r.kind === 'found');
console.log(`\nleast charge / CPU over all lines: ${Math.min(...rows.map(ratio)).toFixed(2)} (below ${MARGIN}: refit)`);
console.log(`found lines: CPU ${((1000 * found1.reduce((s, r) => s + r.ms, 0)) / sumA).toFixed(2)} µs a column, charged ${((1000 * found1.reduce((s, r) => s + lineColumns(r.columns, r.cells) * COLUMN_MS, 0)) / sumA).toFixed(2)}`);
if (best) console.log(`cheapest charge covering ${MARGIN}× every line: ${(best[0] * 1000).toFixed(2)} µs a column + ${(best[1] * 1000).toFixed(2)} µs an inked cell`);

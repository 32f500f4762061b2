// writes a self-contained training report: index.html (inline CSS and SVG, no scripts, opens from file://)
// and report.json with the same data
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeHtml as esc } from '../../shared/html';
import { perClassFromConfusion, type PerClass } from '../lib/evaluate.js';
import { percent } from '../lib/format.js';
import { accuracyChartSvg, confusionChartSvg, lossChartSvg } from './charts.js';
import { digitGridSvg, isMisclassified } from './digits.js';
import { numbersSection } from './numbers.js';
import { robustnessSection } from './robustness.js';
import type { EpochRecord, RunReport } from './types.js';

const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function show(v: string | number | boolean): string {
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

function keyValueTable(caption: string, rows: Record<string, string | number | boolean>): string {
  const body = Object.entries(rows)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(show(v))}</td></tr>`)
    .join('');
  return `<table class="kv"><caption>${esc(caption)}</caption><tbody>${body || '<tr><td>none</td></tr>'}</tbody></table>`;
}

function perClassTable(perClass: PerClass[], confusion: number[][]): string {
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const worstP = Math.min(...finite(perClass.map((c) => c.precision)));
  const worstR = Math.min(...finite(perClass.map((c) => c.recall)));
  const rows = perClass.map((c) => {
    const support = (confusion[c.digit] ?? []).reduce((a, b) => a + b, 0);
    const f1 = (2 * c.precision * c.recall) / (c.precision + c.recall);
    const cell = (x: number, worst: number) => `<td${x === worst ? ' class="low"' : ''}>${percent(x)}</td>`;
    return `<tr><th scope="row">${c.digit}</th>${cell(c.precision, worstP)}${cell(c.recall, worstR)}<td>${percent(f1)}</td><td>${support}</td></tr>`;
  });
  return '<table class="num"><thead><tr><th>digit</th><th>precision</th><th>recall</th><th>F1</th><th>images</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`;
}

function epochTable(epochs: EpochRecord[]): string {
  const hasLr = epochs.some((e) => e.learningRate !== undefined);
  const head = ['epoch', 'train loss', 'train acc', 'test loss', 'test acc', 'seconds', 'samples/s', ...(hasLr ? ['learning rate'] : [])];
  const rows = epochs.map((e) => {
    const cells = [String(e.epoch), fixed(e.trainLoss, 4), percent(e.trainAccuracy), fixed(e.testLoss, 4), percent(e.testAccuracy),
      fixed(e.seconds, 1), fixed(e.samplesPerSec, 0), ...(hasLr ? [e.learningRate === undefined ? '' : String(Number(e.learningRate.toPrecision(3)))] : [])];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="num"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** report.json: readable indentation, but each 784-pixel array kept on one line */
function reportJson(report: RunReport): string {
  const pixels: string[] = [];
  const text = JSON.stringify(report, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return `\u0000px${pixels.push(`[${v.join(',')}]`) - 1}`;
    return v;
  }, 2);
  return text.replace(/"\\u0000px(\d+)"/g, (_m, i: string) => pixels[Number(i)]) + '\n';
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
main{max-width:1120px;margin:0 auto;padding:20px 16px 40px}
h1{font-size:1.5rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:0 0 10px}
.meta,.note,footer{color:#59636e;font-size:.9rem;margin:0}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px;margin-top:16px}
.cols{display:grid;align-items:start;grid-template-columns:repeat(auto-fit,minmax(min(100%,360px),1fr));gap:16px}
.scroll{overflow-x:auto}
svg{display:block;max-width:100%;height:auto}
svg.digits,svg.mistakes{min-width:520px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;font-size:1.05rem;padding-bottom:6px}
th,td{padding:5px 8px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #d0d5db;font-weight:600;white-space:nowrap}
table.kv th{font-weight:500;color:#59636e;width:45%}
table.kv td{word-break:break-word}
table.num td,table.num thead th:not(:first-child){text-align:right}
td.low{color:#c5221f;font-weight:600}
.wrong-count{color:#c5221f;font-weight:600}
details summary{cursor:pointer;font-weight:600}
details table{margin-top:10px}
footer{margin-top:16px}
@media (max-width:520px){main{padding:12px 8px 32px}section{padding:12px 10px}th,td{padding:4px 5px}}
`;

export async function writeReport(dir: string, report: RunReport): Promise<string> {
  const [loss, accuracy, confusion, robustness] = await Promise.all([
    lossChartSvg(report.epochs),
    accuracyChartSvg(report.epochs),
    confusionChartSvg(report.confusion),
    report.robustness ? robustnessSection(report.robustness) : '',
  ]);
  const perClass = report.perClass ?? perClassFromConfusion(report.confusion);
  const wrong = report.samples.filter(isMisclassified).length;
  const last = report.epochs.at(-1);
  const summary = [
    `${report.epochs.length} epoch${report.epochs.length === 1 ? '' : 's'}`,
    ...(last ? [`final test accuracy ${percent(last.testAccuracy)}`, `test loss ${fixed(last.testLoss, 4)}`] : []),
  ].join(' · ');

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(report.title)}</h1><p class="meta">${esc(summary)}</p></header>
<section id="run" class="cols">
${keyValueTable('Settings', report.settings)}
${keyValueTable('Figures', report.figures)}
</section>
<section id="curves">
<h2>Training curves</h2>
<div class="cols"><figure style="margin:0">${loss}</figure><figure style="margin:0">${accuracy}</figure></div>
<details><summary>Per-epoch numbers</summary><div class="scroll">${epochTable(report.epochs)}</div></details>
</section>
<section id="confusion" class="cols">
<div><h2>Confusion matrix (test set)</h2><div class="scroll">${confusion}</div>
<p class="note">Rows are the true digit, columns the prediction. Blue: correct. Red: errors, darker for the more frequent confusions.</p></div>
<div><h2>Per-class precision and recall</h2><div class="scroll">${perClassTable(perClass, report.confusion)}</div>
<p class="note">Lowest precision and recall in red.</p></div>
</section>
<section id="samples">
<h2>Sample test digits</h2>
<p class="note">${report.samples.length} shown, <span class="wrong-count">${wrong} misclassified</span> (red frame, with the true label).</p>
<div class="scroll">${digitGridSvg(report.samples)}</div>
</section>
${robustness}
${report.robustness?.numbers ? numbersSection(report.robustness.numbers) : ''}
<footer>Written ${esc(new Date().toISOString())}. The same data is in <a href="report.json">report.json</a>.</footer>
</main>
</body>
</html>
`;
  await mkdir(dir, { recursive: true });
  const index = resolve(dir, 'index.html');
  await Promise.all([writeFile(index, html), writeFile(join(dir, 'report.json'), reportJson(report))]);
  return index;
}

// the report's robustness section: accuracy, calibration and the uncertain flag per evaluation set,
// reliability diagrams before and after temperature scaling, and the most confident mistakes.
import { escapeHtml as esc } from '../../shared/html';
import { percent } from '../lib/format.js';
import { reliabilityChartSvg } from './charts.js';
import { digitPngDataUri } from './digits.js';
import type { MistakeRecord, RobustnessReport, RobustnessSet } from './types.js';

const pct = (x: number | null, digits = 1) => (x === null ? '–' : percent(x, digits));

function setsTable(sets: RobustnessSet[]): string {
  const digitRows = sets.filter((s) => s.kind === 'digits').map((s) =>
    `<tr><th scope="row" title="${esc(s.about)}">${esc(s.name)}</th><td>${s.count}</td><td>${pct(s.accuracy, 2)}</td><td>${pct(s.eceUncalibrated, 2)}</td><td>${pct(s.ece, 2)}</td>` +
    `<td>${pct(s.flagged)}</td><td>${pct(s.flaggedCorrect)}</td><td>${pct(s.rejected)}</td></tr>`);
  const oodRows = sets.filter((s) => s.kind === 'ood').map((s) =>
    `<tr><th scope="row" title="${esc(s.about)}">${esc(s.name)}</th><td>${s.count}</td><td colspan="3">not a digit</td><td>${pct(s.flagged)}</td><td>–</td><td>${pct(s.rejected)}</td></tr>`);
  return '<table class="num"><thead><tr><th>set</th><th>pictures</th><th>accuracy</th><th>ECE, T = 1</th><th>ECE, calibrated</th>' +
    '<th>flagged</th><th>flagged, right</th><th>422</th></tr></thead>' +
    `<tbody>${digitRows.join('')}${oodRows.join('')}</tbody></table>`;
}

const CELL_W = 150, CELL_H = 132, IMG = 56, PAD = 6;

/** the mistakes as a grid: each as sent (left) and as the model saw it (right), with the answer */
export function mistakesGridSvg(mistakes: MistakeRecord[], columns = 6): string {
  const cols = Math.max(1, Math.min(columns, mistakes.length));
  const rows = Math.ceil(mistakes.length / cols);
  const width = cols * CELL_W + PAD * 2, height = Math.max(1, rows) * CELL_H + PAD * 2;
  const cells = mistakes.map((m, i) => {
    const x = PAD + (i % cols) * CELL_W, y = PAD + Math.floor(i / cols) * CELL_H;
    const a = 8, b = CELL_W - 8 - IMG;
    return `<g class="mistake" transform="translate(${x},${y})">` +
      `<title>${esc(m.set)}: true ${m.label}, answered ${m.predicted} at ${(m.confidence * 100).toFixed(1)}%${m.uncertain ? ', flagged uncertain' : ''}</title>` +
      `<rect x="${a - 3}" y="1" width="${IMG + 6}" height="${IMG + 6}" rx="3" fill="#fff" stroke="#d0d0d0"/>` +
      `<image class="sent" x="${a}" y="4" width="${IMG}" height="${IMG}" href="${m.sent}" preserveAspectRatio="xMidYMid meet"/>` +
      `<rect x="${b - 3}" y="1" width="${IMG + 6}" height="${IMG + 6}" rx="3" fill="#fff" stroke="#d62728" stroke-width="2"/>` +
      `<image class="seen" x="${b}" y="4" width="${IMG}" height="${IMG}" href="${digitPngDataUri(m.seen)}" style="image-rendering:pixelated"/>` +
      `<text x="${CELL_W / 2}" y="${IMG + 24}" class="pred">${m.predicted} at ${percent(m.confidence, 0)}, true ${m.label}</text>` +
      `<text x="${CELL_W / 2}" y="${IMG + 40}" class="set">${esc(m.set)}${m.uncertain ? ' · flagged' : ''}</text>` +
      '</g>';
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="mistakes" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="the most confident mistakes on the evaluation sets">` +
    '<style>svg.mistakes text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-anchor:middle;fill:#333}' +
    'svg.mistakes .pred{fill:#d62728;font-weight:600}svg.mistakes .set{fill:#59636e}</style>' +
    cells.join('') + '</svg>';
}

export async function robustnessSection(r: RobustnessReport): Promise<string> {
  const charts = await Promise.all(r.reliability.map((d) => reliabilityChartSvg(d.title, d.before, d.after)));
  return `<section id="robustness">
<h2>Robustness: pictures people send</h2>
<p class="note">The evaluation sets of data/eval, each picture read exactly as the Worker reads a PNG. They are never trained or tuned on.
Calibrated: probabilities at the fitted temperature T = ${r.temperature}. ECE: expected calibration error over 15 equal-width confidence bins.</p>
<div class="scroll">${setsTable(r.sets)}</div>
<p class="note">Flagged: the uncertain flag fired (a 422, "no digit found", counts as flagged). Flagged, right: it fired although the answer was right. 422: share of pictures with no digit found.</p>
<h2 style="margin-top:16px">Reliability diagrams</h2>
<p class="note">Per confidence bin, how often the answer was right, at temperature 1 (before) and at T = ${r.temperature} (after). On the dashed diagonal, a confidence of 80% is right 80% of the time. Larger points hold more answers.</p>
<div class="cols">${charts.map((c) => `<figure style="margin:0">${c}</figure>`).join('')}</div>
<h2 style="margin-top:16px">The most confident mistakes</h2>
<p class="note">${r.mistakes.length} wrong answers on the digit sets with the highest calibrated confidence: the picture as sent (left) and the 28×28 image the model saw (right, red frame).</p>
<div class="scroll">${r.mistakes.length ? mistakesGridSvg(r.mistakes) : '<p>none</p>'}</div>
</section>`;
}

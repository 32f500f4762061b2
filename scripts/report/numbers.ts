// the report's numbers section: the number sets read as POST /read reads them, exact match and per
// digit by set, length and gap, beside the same digits read one by one.
import { escapeHtml as esc } from '../../shared/html';
import { percent } from '../lib/format.js';
import type { NumbersReport } from './types.js';

const pct = (x: number | null) => (x === null ? '–' : percent(x, 1));

export function numbersSection(r: NumbersReport): string {
  const rows = r.rows.map((row) => {
    const name = row.group === 'all' ? `<strong>${esc(row.name)}</strong>` : esc(row.name);
    return `<tr class="${row.group}"><th scope="row">${name}</th><td>${row.numbers}</td><td>${pct(row.exact)}</td><td>${pct(row.perDigit)}</td>` +
      `<td>${pct(row.alone)}</td><td>${pct(row.notFlagged)}</td><td>${pct(row.exactNotFlagged)}</td></tr>`;
  });
  const { n, exact } = r.shortApart;
  return `<section id="numbers">
<h2>Reading numbers</h2>
<p class="note">The number sets of data/eval/numbers.json (2–8 digits from MNIST test digits, the evaluation fonts and phone strokes, touching to wide apart), each picture read as POST /read reads it. Never trained or tuned on.</p>
<div class="scroll"><table class="num"><thead><tr><th>numbers</th><th>n</th><th>exact match</th><th>per digit</th><th>same digits alone</th><th>not flagged uncertain</th><th>exact when not flagged</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="note">2–4-digit numbers of MNIST test digits that do not touch: ${exact}/${n} exact (${pct(n ? exact / n : null)}). Per digit: the digits read right, in order (longest common subsequence).</p>
</section>`;
}

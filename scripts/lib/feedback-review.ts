import { D, K } from '../../shared/dims';
import { exampleFromRow, feedbackId, type FeedbackExample, type FeedbackRow } from '../../shared/feedback';

// what npm run feedback:export would add to feedback.jsonl, decided before anything is written:
// the stored rows that are new, those dropped as duplicates (already exported, or twice in this
// batch), those that cannot be read, and the counts per label.

export interface ExportPlan {
  /** new examples, oldest first: what would be appended */
  added: FeedbackExample[];
  /** rows whose drawing is in the file already */
  alreadyExported: number;
  /** rows whose drawing came earlier in this same batch */
  duplicatesInBatch: number;
  /** rows that are not a drawing the worker wrote */
  unreadable: { id: string; problem: string }[];
  /** (K) examples per label in the file now, and to be added */
  inFile: number[];
  adding: number[];
}

/** exported: the images already in the file, (count, D) with their labels (scripts/lib/extra-data.ts loadExtra) */
export async function planExport(exported: { images: Uint8Array; labels: Uint8Array }, rows: FeedbackRow[]): Promise<ExportPlan> {
  // drawings are matched by their pixels, not by the id a line carries: lines written before ids were hashes count too
  const known = new Set<string>();
  for (let i = 0; i < exported.labels.length; i++) known.add(await feedbackId(exported.images.subarray(i * D, (i + 1) * D)));
  const inFile = new Array<number>(K).fill(0);
  exported.labels.forEach((label) => inFile[label]++);

  const plan: ExportPlan = { added: [], alreadyExported: 0, duplicatesInBatch: 0, unreadable: [], inFile, adding: new Array<number>(K).fill(0) };
  const inBatch = new Set<string>();
  const oldestFirst = [...rows].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.hash < b.hash ? -1 : 1));
  for (const row of oldestFirst) {
    const parsed = exampleFromRow(row);
    if ('problem' in parsed) {
      plan.unreadable.push({ id: String(row.hash), problem: parsed.problem });
      continue;
    }
    const key = await feedbackId(Uint8Array.from(parsed.example.pixels));
    if (known.has(key)) plan.alreadyExported++;
    else if (inBatch.has(key)) plan.duplicatesInBatch++;
    else {
      inBatch.add(key);
      plan.added.push(parsed.example);
      plan.adding[parsed.example.label]++;
    }
  }
  return plan;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** the plan as a person reads it: where the rows went, then a table by label */
export function describePlan(plan: ExportPlan, rowCount: number, file: string): string {
  const lines = [
    `${plural(rowCount, 'stored correction')}:`,
    `  ${plan.added.length.toLocaleString('en-US')} new`,
    `  ${plan.alreadyExported.toLocaleString('en-US')} already in ${file} (dropped)`,
    `  ${plan.duplicatesInBatch.toLocaleString('en-US')} the same drawing as an earlier one in this batch (dropped)`,
  ];
  if (plan.unreadable.length) {
    lines.push(`  ${plan.unreadable.length.toLocaleString('en-US')} unreadable (dropped):`);
    for (const u of plan.unreadable.slice(0, 5)) lines.push(`    ${u.id}: ${u.problem}`);
    if (plan.unreadable.length > 5) lines.push(`    … and ${plan.unreadable.length - 5} more`);
  }
  const cols = (label: string, a: number | string, b: number | string, c: number | string) => `  ${label.padStart(5)} ${String(a).padStart(8)} ${String(b).padStart(6)} ${String(c).padStart(8)}`;
  lines.push('', cols('label', 'in file', 'new', 'after'));
  for (let k = 0; k < K; k++) lines.push(cols(String(k), plan.inFile[k], plan.adding[k] ? `+${plan.adding[k]}` : '0', plan.inFile[k] + plan.adding[k]));
  const sum = (a: number[]) => a.reduce((s, n) => s + n, 0);
  lines.push(cols('all', sum(plan.inFile), `+${sum(plan.adding)}`, sum(plan.inFile) + sum(plan.adding)));
  return lines.join('\n');
}

import { D, K } from '../../shared/dims';
import { exampleFromRow, feedbackId, type FeedbackExample, type FeedbackRow } from '../../shared/feedback';

// what npm run feedback:export would add to feedback.jsonl, decided before anything is written:
// the stored rows that are new, those dropped as duplicates (already exported, or twice in this
// batch), those that cannot be read, the counts per label, and the new rows grouped by sender (the
// day's pseudonym the worker stored), largest first, so that a flood from one sender stands out.

/** the new corrections of one sender: a pseudonym of an IPv4 address or IPv6 /48 for one UTC day */
export interface SenderGroup {
  /** null: rows stored without one (wrangler dev's loopback, or before migrations/0002_quotas.sql) */
  source: string | null;
  /** the UTC day of its first new row (a pseudonym belongs to one day) */
  day: string;
  count: number;
  /** (K) of its new rows per label */
  labels: number[];
}

/** a sender whose share of the new rows is at least this (and who sent at least FLOOD_MIN_ROWS) is flagged */
export const FLOOD_SHARE = 0.25;
export const FLOOD_MIN_ROWS = 10;

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
  /** the new rows by sender, most first (ties: the earlier day, then the pseudonym) */
  senders: SenderGroup[];
  /** new rows left out because their sender was named with --drop-source */
  droppedBySender: number;
}

export interface PlanOptions {
  /** pseudonyms whose rows are left out (npm run feedback:export -- --drop-source HASH) */
  dropSources?: ReadonlySet<string>;
}

/** exported: the images already in the file, (count, D) with their labels (scripts/lib/extra-data.ts loadExtra) */
export async function planExport(exported: { images: Uint8Array; labels: Uint8Array }, rows: FeedbackRow[], options: PlanOptions = {}): Promise<ExportPlan> {
  // drawings are matched by their pixels, not by the id a line carries: lines written before ids were hashes count too
  const known = new Set<string>();
  for (let i = 0; i < exported.labels.length; i++) known.add(await feedbackId(exported.images.subarray(i * D, (i + 1) * D)));
  const inFile = new Array<number>(K).fill(0);
  exported.labels.forEach((label) => inFile[label]++);

  const plan: ExportPlan = { added: [], alreadyExported: 0, duplicatesInBatch: 0, unreadable: [], inFile, adding: new Array<number>(K).fill(0), senders: [], droppedBySender: 0 };
  const senders = new Map<string | null, SenderGroup>();
  const inBatch = new Set<string>();
  const oldestFirst = [...rows].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.hash < b.hash ? -1 : 1));
  for (const row of oldestFirst) {
    const parsed = exampleFromRow(row);
    if ('problem' in parsed) {
      plan.unreadable.push({ id: String(row.hash), problem: parsed.problem });
      continue;
    }
    const key = await feedbackId(Uint8Array.from(parsed.example.pixels));
    const source = typeof row.source === 'string' ? row.source : null;
    if (known.has(key)) plan.alreadyExported++;
    else if (inBatch.has(key)) plan.duplicatesInBatch++;
    else if (source !== null && options.dropSources?.has(source)) plan.droppedBySender++;
    else {
      inBatch.add(key);
      plan.added.push(parsed.example);
      plan.adding[parsed.example.label]++;
      let group = senders.get(source);
      if (!group) senders.set(source, (group = { source, day: parsed.example.createdAt.slice(0, 10), count: 0, labels: new Array<number>(K).fill(0) }));
      group.count++;
      group.labels[parsed.example.label]++;
    }
  }
  plan.senders = [...senders.values()].sort((a, b) => b.count - a.count || (a.day < b.day ? -1 : a.day > b.day ? 1 : String(a.source) < String(b.source) ? -1 : 1));
  return plan;
}

/** the senders to look at: those who sent at least FLOOD_SHARE of the new rows (and FLOOD_MIN_ROWS) */
export function floods(plan: ExportPlan): SenderGroup[] {
  return plan.senders.filter((g) => g.source !== null && g.count >= FLOOD_MIN_ROWS && g.count >= FLOOD_SHARE * plan.added.length);
}

/** a group's labels, most first: "7×98 1×2" */
const labelMix = (labels: number[]) =>
  labels
    .map((n, k) => ({ n, k }))
    .filter((e) => e.n > 0)
    .sort((a, b) => b.n - a.n || a.k - b.k)
    .map((e) => `${e.k}×${e.n}`)
    .join(' ');

/** the new rows by sender: how many senders, the top ones, and the floods to look at */
export function describeSenders(plan: ExportPlan, top = 5): string[] {
  if (plan.added.length === 0) return [];
  const named = plan.senders.filter((g) => g.source !== null);
  const anonymous = plan.senders.find((g) => g.source === null)?.count ?? 0;
  const lines = [
    '',
    `by sender (a pseudonym of an IPv4 address or IPv6 /48, new each UTC day): ${plural(named.length, 'sender')}` +
      (anonymous ? `, and ${plural(anonymous, 'row')} without one (wrangler dev, or stored before senders were recorded)` : ''),
  ];
  if (named.length === 0) return lines;
  const flagged = new Set(floods(plan));
  const cols = (a: string, b: string, c: string, d: string, e: string) => `  ${a.padEnd(17)} ${b.padEnd(10)} ${c.padStart(6)} ${d.padStart(6)}  ${e}`;
  lines.push(cols('sender', 'day', 'new', 'share', 'labels'));
  for (const g of named.slice(0, top)) {
    const share = `${Math.round((100 * g.count) / plan.added.length)}%`;
    lines.push(cols(`${flagged.has(g) ? '!' : ' '}${g.source}`, g.day, String(g.count), share, labelMix(g.labels)));
  }
  if (named.length > top) lines.push(`  … and ${plural(named.length - top, 'more sender')} with ${plan.senders.filter((g) => g.source !== null).slice(top).reduce((s, g) => s + g.count, 0)} rows`);
  for (const g of flagged) {
    lines.push(
      `  ! ${g.source} sent ${Math.round((100 * g.count) / plan.added.length)}% of the new corrections: look at them on the sheet; ` +
        `--drop-source ${g.source} leaves them out`,
    );
  }
  return lines;
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
  if (plan.droppedBySender) lines.push(`  ${plan.droppedBySender.toLocaleString('en-US')} from the senders named with --drop-source (dropped)`);
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
  lines.push(...describeSenders(plan));
  return lines.join('\n');
}

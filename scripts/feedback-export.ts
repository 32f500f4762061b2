// npm run feedback:export -- [--remote] [--persist-to DIR] [--out data/feedback] [--yes]: reads the
// corrections POST /feedback stored in D1, shows what is new (counts per label, duplicates dropped,
// a contact sheet of the images), and appends them to DIR/feedback.jsonl once confirmed, ready for
// npm run train -- --extra DIR.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { contactSheetPng } from './lib/contact-sheet';
import { EXTRA_FILE, loadExtra } from './lib/extra-data';
import { readLocalRows, readRemoteRows } from './lib/feedback-db';
import { describePlan, planExport } from './lib/feedback-review';
import { runCli } from './lib/cli';
import { targetOf, TARGET_OPTIONS } from './lib/target';

const USAGE = `usage: npm run feedback:export -- [--remote | --local] [--persist-to DIR] [--out DIR] [--sheet FILE] [--drop-source HASH]... [--yes]
  --remote       the deployed FEEDBACK_DB database (needs wrangler login and its id in wrangler.toml)
  --local        the local database \`wrangler dev\` writes (default)
  --persist-to   a local state folder other than .wrangler/state
  --out DIR      where ${EXTRA_FILE} is (default data/feedback); new examples are appended to it
  --sheet FILE   the contact sheet of the new images (default DIR/contact-sheet.png)
  --drop-source  leave out the rows of this sender (a pseudonym the summary shows); repeatable
  --yes          append without asking (for scripts); otherwise a terminal asks, and without one
                 nothing is written (exit status 2)

shows the new corrections by label and by sender (the worker stores a pseudonym of each sender's IPv4
address or IPv6 /48, new each UTC day: a flood from one stands out, marked !), the duplicates it drops
(already in the file, or twice in this batch) and a contact sheet of the images, then appends one
example per line, oldest first:
  {"id":"<32 hex: SHA-256 of the pixels>","label":4,"predicted":9,"modelVersion":"<16 hex>"|null,
   "createdAt":"<ISO date>","pixels":[784 whole numbers 0..255, row-major 28×28, ink bright on black]}
D1 keeps corrections for FEEDBACK_RETENTION_DAYS (wrangler.toml): export before then.
then: npm run train -- --extra DIR`;

/** exit status when nothing was written because nobody confirmed */
const NOT_CONFIRMED = 2;

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

runCli(async () => {
  const { values } = parseArgs({
    options: {
      ...TARGET_OPTIONS,
      out: { type: 'string' },
      sheet: { type: 'string' },
      'drop-source': { type: 'string', multiple: true },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = targetOf(values);
  const out = values.out ?? 'data/feedback';
  const file = join(out, EXTRA_FILE);
  const sheet = values.sheet ?? join(out, 'contact-sheet.png');

  const progress = (n: number) => process.stderr.isTTY && process.stderr.write(`\rread ${n} rows`);
  const rows = target.remote ? await readRemoteRows(progress) : await readLocalRows(target.persistTo, progress);
  if (process.stderr.isTTY) process.stderr.write('\n');
  const where = target.remote ? 'the deployed FEEDBACK_DB' : `the local FEEDBACK_DB (${target.persistTo ?? '.wrangler/state'}, what \`wrangler dev\` uses)`;
  console.log(`read ${where}`);

  const exported = existsSync(file) ? loadExtra(file) : { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
  const plan = await planExport(exported, rows, { dropSources: new Set(values['drop-source'] ?? []) });
  console.log(describePlan(plan, rows.length, file));
  if (plan.added.length === 0) {
    console.log(`\nnothing new to add to ${file}`);
    return 0;
  }

  mkdirSync(out, { recursive: true });
  writeFileSync(sheet, contactSheetPng(plan.added));
  console.log(`\ncontact sheet of the ${plan.added.length} new images, one band per label: ${sheet}`);

  const question = `append ${plan.added.length} example${plan.added.length === 1 ? '' : 's'} to ${file}? [y/N] `;
  if (!values.yes) {
    if (!process.stdin.isTTY) {
      console.log(`nothing written: look at the sheet, then run again with --yes to append them`);
      return NOT_CONFIRMED;
    }
    if (!(await confirmed(question))) {
      console.log('nothing written');
      return NOT_CONFIRMED;
    }
  }
  // the file as it was plus the new lines, written then renamed: a trainer reading the folder never sees half a file
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = plan.added.map((example) => JSON.stringify(example)).join('\n') + '\n';
  writeFileSync(`${file}.tmp`, before === '' || before.endsWith('\n') ? before + lines : `${before}\n${lines}`);
  renameSync(`${file}.tmp`, file);
  console.log(`${plan.added.length} example${plan.added.length === 1 ? '' : 's'} → ${file} (${exported.count + plan.added.length} in all)`);
  console.log(`next: npm run train -- --from models/default.bin --extra ${out}   (a fine-tune; --from the model you serve), then npm run upload -- --wait`);
  return 0;
});

// npm run feedback:export -- [--remote] [--persist-to DIR] [--out data/feedback]: pulls every
// correction that POST /feedback stored in the FEEDBACK KV namespace into one JSON-lines file,
// ready for npm run train -- --extra data/feedback.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { K } from '../shared/dims';
import { FEEDBACK_PREFIX, parseFeedbackRecord, type FeedbackRecord } from '../shared/feedback';
import { EXTRA_FILE } from './lib/extra-data';
import type { KvTarget } from './lib/kv';
import { runCli } from './lib/cli';
import { describeTarget, targetOf, TARGET_OPTIONS } from './lib/target';

const USAGE = `usage: npm run feedback:export -- [--remote | --local] [--persist-to DIR] [--out DIR]
  --remote       the deployed FEEDBACK namespace (needs wrangler login and its id in wrangler.toml)
  --local        the local store \`wrangler dev\` writes (default)
  --persist-to   a local store folder other than .wrangler/state
  --out DIR      where ${EXTRA_FILE} goes (default data/feedback); the file is rewritten whole

writes DIR/${EXTRA_FILE}, one example per line, sorted by id:
  {"id":"feedback/2026-11-29/<24 hex>","label":4,"predicted":9,"modelVersion":"<16 hex>"|null,
   "createdAt":"<ISO date>","pixels":[784 whole numbers 0..255, row-major 28×28, ink bright on black]}
then: npm run train -- --extra DIR`;

const BINDING = 'FEEDBACK';
const WRANGLER = resolve('node_modules/.bin/wrangler');
/** keys per `wrangler kv bulk get` call: the API's own limit */
const BULK = 100;

function wrangler(args: string[], target: KvTarget): Promise<string> {
  const where = target.remote ? ['--remote'] : ['--local', ...(target.persistTo ? ['--persist-to', target.persistTo] : [])];
  return new Promise((ok, fail) => {
    execFile(
      WRANGLER, [...args, '--binding', BINDING, ...where],
      { maxBuffer: 512 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error) {
          const text = (stderr || stdout).trim().split('\n').filter((l) => l.trim() !== '').slice(-6).join('\n');
          fail(new Error(`wrangler ${args.slice(0, 3).join(' ')} failed${target.remote ? ' (is `wrangler login` done and the FEEDBACK namespace id in wrangler.toml?)' : ''}:\n${text}`));
        } else ok(stdout);
      },
    );
  });
}

/** the JSON document in wrangler's output, after any banner lines */
function jsonIn<T>(text: string, open: '[' | '{', what: string): T {
  const start = text.search(open === '[' ? /^\[/m : /^\{/m);
  if (start < 0) throw new Error(`unexpected answer from wrangler ${what}: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(start)) as T;
}

async function listKeys(target: KvTarget): Promise<string[]> {
  const out = await wrangler(['kv', 'key', 'list', '--prefix', FEEDBACK_PREFIX], target);
  return jsonIn<{ name: string }[]>(out, '[', 'kv key list').map((k) => k.name);
}

async function getValues(keys: string[], target: KvTarget, dir: string): Promise<Map<string, string | null>> {
  const values = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += BULK) {
    const file = join(dir, `keys-${i}.json`);
    writeFileSync(file, JSON.stringify(keys.slice(i, i + BULK)));
    const out = await wrangler(['kv', 'bulk', 'get', file], target);
    const got = jsonIn<Record<string, { value: string | null } | null>>(out, '{', 'kv bulk get');
    for (const key of keys.slice(i, i + BULK)) values.set(key, got[key]?.value ?? null);
    process.stderr.write(`\rread ${Math.min(i + BULK, keys.length)}/${keys.length}`);
  }
  if (keys.length) process.stderr.write('\n');
  return values;
}

export type ExportedExample = Omit<FeedbackRecord, 'format'> & { id: string };

runCli(async () => {
  const { values } = parseArgs({ options: { ...TARGET_OPTIONS, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = targetOf(values);
  const out = values.out ?? 'data/feedback';
  const keys = (await listKeys(target)).sort();
  console.log(`${keys.length} feedback key${keys.length === 1 ? '' : 's'} in ${describeTarget(target).replace('local KV', 'local KV FEEDBACK')}`);

  const scratch = mkdtempSync(join(tmpdir(), 'feedback-export-'));
  let raw: Map<string, string | null>;
  try {
    raw = await getValues(keys, target, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const lines: string[] = [];
  const perDigit = new Array<number>(K).fill(0);
  let skipped = 0;
  for (const id of keys) {
    const text = raw.get(id);
    let parsed: ReturnType<typeof parseFeedbackRecord> | null = null;
    try {
      parsed = text == null ? { problem: 'the key vanished while exporting' } : parseFeedbackRecord(JSON.parse(text));
    } catch {
      parsed = { problem: 'not valid JSON' };
    }
    if ('problem' in parsed) {
      console.warn(`skipped ${id}: ${parsed.problem}`);
      skipped++;
      continue;
    }
    const { format: _format, pixels, ...rest } = parsed.record;
    const example: ExportedExample = { id, ...rest, pixels };
    lines.push(JSON.stringify(example));
    perDigit[example.label]++;
  }

  mkdirSync(out, { recursive: true });
  const path = join(out, EXTRA_FILE);
  // write then rename: a trainer reading the folder never sees half a file
  writeFileSync(`${path}.tmp`, lines.length ? lines.join('\n') + '\n' : '');
  renameSync(`${path}.tmp`, path);
  const counts = perDigit.map((n, k) => `${k}: ${n}`).join(', ');
  console.log(`${lines.length} example${lines.length === 1 ? '' : 's'} → ${path}${skipped ? ` (${skipped} skipped)` : ''}\nby label: ${counts}`);
  if (lines.length) console.log(`next: npm run train -- --extra ${out}`);
  return skipped > 0 && lines.length === 0 ? 1 : 0;
});

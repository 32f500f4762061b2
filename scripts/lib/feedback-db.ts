import type { FeedbackRow } from '../../shared/feedback';
import type { KvTarget } from './kv';
import { openLocalBindings, runWrangler, WRANGLER_CONFIG } from './wrangler';

// every row of the feedback table (migrations/) from D1: the local database
// `wrangler dev` uses through wrangler's getPlatformProxy (one workerd for the whole read), the
// deployed one through `wrangler d1 execute --remote --json`. both page through the primary key,
// so each page reads only its own rows.

export const FEEDBACK_BINDING = 'FEEDBACK_DB';

/** the part of D1's binding this file uses (the scripts are not compiled with the Workers types) */
interface D1Reader {
  prepare(sql: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> } };
}

const COLUMNS = 'hash, hex(pixels) AS pixels_hex, label, predicted, model_version, created_at, source';
/** a page of rows after the key `after` (hashes are hex, so '' comes before all of them) */
const pageQuery = (after: string, limit: number) => `SELECT ${COLUMNS} FROM feedback WHERE hash > ${after} ORDER BY hash LIMIT ${limit}`;

async function allPages(read: (after: string) => Promise<FeedbackRow[]>, onProgress?: (n: number) => void): Promise<FeedbackRow[]> {
  const rows: FeedbackRow[] = [];
  for (let after = ''; ; ) {
    const page = await read(after);
    rows.push(...page);
    onProgress?.(rows.length);
    if (page.length === 0) return rows;
    after = page[page.length - 1].hash;
  }
}

/** the local database through one workerd; persistTo is the folder given to wrangler's --persist-to */
export async function readLocalRows(persistTo?: string, onProgress?: (n: number) => void): Promise<FeedbackRow[]> {
  const { env, dispose } = await openLocalBindings<{ [FEEDBACK_BINDING]?: D1Reader }>(persistTo);
  try {
    const db = env[FEEDBACK_BINDING];
    if (!db) throw new Error(`${WRANGLER_CONFIG} has no D1 binding ${FEEDBACK_BINDING}`);
    return await allPages(async (after) => (await db.prepare(pageQuery('?1', 1000)).bind(after).all<FeedbackRow>()).results, onProgress);
  } catch (e) {
    throw noTable(e, `--local${persistTo ? ` --persist-to ${persistTo}` : ''}`);
  } finally {
    await dispose();
  }
}

/** the deployed database, one `wrangler d1 execute` per page of `pageSize` rows */
export async function readRemoteRows(onProgress?: (n: number) => void, pageSize = 2000): Promise<FeedbackRow[]> {
  return allPages((after) => wranglerRows(pageQuery(sqlString(after), pageSize), { remote: true }), onProgress);
}

/** `wrangler d1 execute --json` for one SELECT; exported for the test that checks it against the local proxy */
export async function wranglerRows(sql: string, target: KvTarget): Promise<FeedbackRow[]> {
  const where = target.remote ? ['--remote'] : ['--local', ...(target.persistTo ? ['--persist-to', target.persistTo] : [])];
  const hint = target.remote ? ' (is `wrangler login` done and the database id in wrangler.toml?)' : '';
  const out = (await runWrangler(['d1', 'execute', FEEDBACK_BINDING, '--json', '--command', sql, ...where], hint).catch((e) => {
    throw noTable(e, where.join(' '));
  })).toString();
  const start = out.search(/^\[/m); // the JSON document, after any banner lines
  if (start < 0) throw new Error(`unexpected answer from wrangler d1 execute: ${out.slice(0, 200)}`);
  const [result] = JSON.parse(out.slice(start)) as { results: FeedbackRow[]; success: boolean }[];
  return result.results;
}

/** a SQL string literal: the page keys are our own hex hashes, quoted anyway */
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function noTable(e: unknown, where: string): Error {
  const message = (e as Error).message ?? String(e);
  const apply = `run \`npx wrangler d1 migrations apply mnist-feedback ${where}\` first`;
  if (/no such table/i.test(message)) return new Error(`the feedback table does not exist in this database: ${apply}`);
  if (/no such column: source/i.test(message)) return new Error(`the feedback table predates its sender column (migrations/0002_quotas.sql): ${apply}`);
  return e as Error;
}

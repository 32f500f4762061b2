// npm run build:web: the browser side, web/ (which imports shared/), bundled with esbuild into
// dist/web/, the folder wrangler serves as Workers Static Assets ([assets] in wrangler.toml): the
// pages cost the Worker no CPU and no bundle bytes. run by `npm ci` (prepare), `npm test` (pretest),
// and `wrangler dev` / `wrangler deploy` ([build] in wrangler.toml). the output is git-ignored and
// the same sources always give the same bytes, so content hashes and SRI hashes are stable.
//
//   dist/web/index.html, widget.html         the drawing page (/) and the iframe widget (/widget)
//   dist/web/embed.js, client.js             the moving aliases other sites paste (revalidated every 5 minutes)
//   dist/web/assets/<name>.<hash>.js         immutable copies, named by content (cached for a year)
//   dist/web/assets/embed.<hash>.js          also every released embed.js in web/releases/ (gzipped), so a tag pinned
//                                            to one keeps working after later deploys (npm run docs:embed)
//   dist/web/_headers                        CSP, CORS and caching per path (see headers() below)
//   dist/web/manifest.json                   names, hashes and SRI of the bundles, for docs and tests
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { PAGE_CSP, renderPage, renderWidget } from '../web/documents';

const USAGE = `usage: npm run build:web [-- --quiet]
  bundles web/{page,embed,client}.ts and renders the pages into dist/web/ (Workers Static Assets)`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = resolve(ROOT, 'web');
export const OUTPUT = resolve(ROOT, 'dist/web');
/** released builds of embed.js, committed gzipped (a build artifact, not source), served beside the current one */
export const RELEASES = resolve(WEB, 'releases');
export const releaseName = (hash: string) => `embed.${hash}.js`;
export const RELEASE_SUFFIX = '.gz';

/** the released builds' served names and their bytes */
export function readReleases(): Map<string, string> {
  const releases = new Map<string, string>();
  for (const file of existsSync(RELEASES) ? readdirSync(RELEASES).filter((n) => n.endsWith(`.js${RELEASE_SUFFIX}`)) : []) {
    releases.set(file.slice(0, -RELEASE_SUFFIX.length), gunzipSync(readFileSync(join(RELEASES, file))).toString('utf8'));
  }
  return releases;
}

/** the bundle name, its entry and script kind (embed.js must be classic for document.currentScript) */
const BUNDLES = {
  app: { entry: 'page.ts', format: 'esm', alias: null },
  embed: { entry: 'embed.ts', format: 'iife', alias: 'embed.js' },
  client: { entry: 'client.ts', format: 'esm', alias: 'client.js' },
} as const satisfies Record<string, { entry: string; format: BuildOptions['format']; alias: string | null }>;

export type BundleName = keyof typeof BUNDLES;

export interface BundleInfo {
  /** the immutable URL path, /assets/<name>.<hash>.js */
  path: string;
  /** the moving alias other sites may paste, or null */
  alias: string | null;
  /** first 16 hex digits of the SHA-256 of the bytes */
  hash: string;
  /** Subresource Integrity value for <script integrity> */
  integrity: string;
  bytes: number;
}

export type Manifest = Record<BundleName, BundleInfo>;

async function bundle(entry: string, format: BuildOptions['format']): Promise<string> {
  const result = await build({
    entryPoints: [resolve(WEB, entry)],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    // pointer events, shadow DOM and OffscreenCanvas: every current browser
    target: ['es2020', 'chrome100', 'firefox100', 'safari16'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const YEAR = 'public, max-age=31536000, immutable';
const FIVE_MINUTES = 'public, max-age=300, stale-while-revalidate=86400';

/**
 * per-path headers (Cloudflare's _headers format). the pages may be framed by any site and load
 * scripts only from this origin; scripts may be loaded by any site (CORS, for SRI and modules).
 */
function headers(): string {
  const rules: [string, Record<string, string>][] = [
    ['/*', {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
    }],
    ['/', { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' }],
    ['/widget', { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' }],
    ['/embed.js', { 'Access-Control-Allow-Origin': '*', 'Cache-Control': FIVE_MINUTES }],
    ['/client.js', { 'Access-Control-Allow-Origin': '*', 'Cache-Control': FIVE_MINUTES }],
    ['/assets/*', { 'Access-Control-Allow-Origin': '*', 'Cache-Control': YEAR }],
  ];
  return rules.map(([path, h]) => `${path}\n${Object.entries(h).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`).join('\n');
}

/** writes `text` to `path` unless it already holds exactly that (so wrangler dev does not reload for nothing) */
function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  // write then rename: a concurrent reader (wrangler dev, vitest) never sees half a file
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}

export async function buildWeb(out = OUTPUT): Promise<{ manifest: Manifest; changed: boolean }> {
  const files = new Map<string, string>(); // path under out → text
  const manifest = {} as Manifest;
  for (const [name, { entry, format, alias }] of Object.entries(BUNDLES) as [BundleName, (typeof BUNDLES)[BundleName]][]) {
    const body = await bundle(entry, format);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
    const path = `/assets/${name}.${hash}.js`;
    files.set(path.slice(1), body);
    if (alias) files.set(alias, body);
    const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
    manifest[name] = { path, alias: alias && `/${alias}`, hash, integrity, bytes: Buffer.byteLength(body) };
  }
  for (const [name, body] of readReleases()) if (!files.has(`assets/${name}`)) files.set(`assets/${name}`, body);
  files.set('index.html', renderPage(manifest.app.path));
  files.set('widget.html', renderWidget(manifest.app.path));
  files.set('_headers', headers());
  files.set('manifest.json', JSON.stringify(manifest, null, 2) + '\n');

  let changed = false;
  for (const [path, text] of files) changed = writeIfChanged(join(out, path), text) || changed;
  // old content-hashed bundles would pile up in assets/ otherwise
  for (const old of existsSync(join(out, 'assets')) ? readdirSync(join(out, 'assets')) : []) {
    if (!files.has(`assets/${old}`)) {
      rmSync(join(out, 'assets', old));
      changed = true;
    }
  }
  return { manifest, changed };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  buildWeb().then(
    ({ manifest, changed }) => {
      if (values.quiet) return;
      const list = Object.entries(manifest).map(([n, b]) => `${n} ${(b.bytes / 1024).toFixed(1)} KiB`).join(', ');
      console.log(`web: ${list} → ${relative(process.cwd(), OUTPUT)}/${changed ? '' : ' (unchanged)'}`);
    },
    (e) => {
      console.error(`build-web: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

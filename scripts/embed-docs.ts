// npm run docs:embed: releases the current embed.js and pins it in the docs. it copies the fresh
// build's embed.js into web/releases/embed.<hash>.js.gz (committed; every build serves all releases at
// /assets/, so a site's pinned tag keeps working after later deploys) and writes the pinned snippet
// (that URL and its Subresource Integrity hash) into docs/embedding.md between the embed-pin markers.
// the bundle's hash changes with any change to web/ or shared/ that reaches it;
// test/unit/embedding-docs.test.ts fails until this is run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildWeb, OUTPUT, RELEASE_SUFFIX, releaseName, RELEASES, type Manifest } from './build-web';

const USAGE = `usage: npm run docs:embed [-- --check]
  builds the browser bundles, releases embed.js into web/releases/ and writes its pinned URL and
  SRI hash into docs/embedding.md
  --check  change nothing; exit 1 when the release or the doc is out of date`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const EMBEDDING_DOC = resolve(ROOT, 'docs/embedding.md');

const BEGIN = '<!-- embed-pin: written by `npm run docs:embed` from dist/web/manifest.json; do not edit by hand -->';
const END = '<!-- /embed-pin -->';

/** the worker the docs' examples use */
const EXAMPLE_WORKER = 'https://mnist-edge.example.workers.dev';

/** what goes between the markers: the tag to paste, pinned to the current build */
export function pinnedSnippet(manifest: Manifest): string {
  const { path, integrity } = manifest.embed;
  return [
    '```html',
    `<script src="${EXAMPLE_WORKER}${path}"`,
    `        integrity="${integrity}"`,
    '        crossorigin="anonymous" data-theme="dark" data-size="280"></script>',
    '```',
  ].join('\n');
}

/** the text between the markers, or null when the doc has no such block */
export function pinnedBlock(doc: string): string | null {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END, start);
  if (start < 0 || end < 0) return null;
  return doc.slice(start + BEGIN.length, end).trim();
}

/** the doc with its block rewritten for `manifest`; everything outside the markers stays as it is */
export function withPinnedSnippet(doc: string, manifest: Manifest): string {
  if (pinnedBlock(doc) === null) throw new Error(`${relative(ROOT, EMBEDDING_DOC)} has no block between ${BEGIN} and ${END}`);
  const start = doc.indexOf(BEGIN) + BEGIN.length;
  const end = doc.indexOf(END, start);
  return `${doc.slice(0, start)}\n${pinnedSnippet(manifest)}\n${doc.slice(end)}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { manifest } = await buildWeb();
  const release = join(RELEASES, releaseName(manifest.embed.hash) + RELEASE_SUFFIX);
  const doc = readFileSync(EMBEDDING_DOC, 'utf8');
  const next = withPinnedSnippet(doc, manifest);
  const name = relative(process.cwd(), EMBEDDING_DOC);
  if (next === doc && existsSync(release)) {
    console.log(`${name}: pins ${manifest.embed.path} (up to date)`);
    return 0;
  }
  if (values.check) {
    console.error(`${name} or web/releases/ is behind the build's ${manifest.embed.path}: run npm run docs:embed`);
    return 1;
  }
  mkdirSync(RELEASES, { recursive: true });
  writeFileSync(release, gzipSync(readFileSync(join(OUTPUT, manifest.embed.path)), { level: 9 }));
  writeFileSync(EMBEDDING_DOC, next);
  console.log(`${name}: now pins ${manifest.embed.path} (${manifest.embed.integrity})`);
  return 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`docs:embed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, readReleases, releaseName, type Manifest } from '../../scripts/build-web';
import { EMBEDDING_DOC, pinnedBlock, pinnedSnippet, withPinnedSnippet } from '../../scripts/embed-docs';

// docs/embedding.md tells sites how to pin embed.js by its content hash and SRI integrity; those
// change with every change to the bundle, so the doc is checked against a fresh build, and every
// released build stays served so that pinned tags outlive the deploys after them.

const out = mkdtempSync(join(tmpdir(), 'mnist-web-'));
let manifest: Manifest;

beforeAll(async () => {
  ({ manifest } = await buildWeb(out)); // into a temporary folder: dist/web stays as it is
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the pinned embed tag in docs/embedding.md', () => {
  it('pins the embed.js a fresh build makes, by its path and integrity', () => {
    const block = pinnedBlock(readFileSync(EMBEDDING_DOC, 'utf8'));
    expect(block, 'docs/embedding.md has lost its embed-pin markers').not.toBeNull();
    expect(block, 'docs/embedding.md pins another build of embed.js: run npm run docs:embed').toBe(pinnedSnippet(manifest));
  });

  it('is the immutable copy of embed.js, loaded with integrity and crossorigin', () => {
    const snippet = pinnedSnippet(manifest);
    expect(manifest.embed.path).toMatch(/^\/assets\/embed\.[0-9a-f]{16}\.js$/);
    expect(snippet).toContain(`src="https://mnist-edge.example.workers.dev${manifest.embed.path}"`);
    expect(snippet).toContain(`integrity="${manifest.embed.integrity}"`);
    expect(snippet).toContain('crossorigin="anonymous"');
    // the integrity is the SHA-384 of the very bytes served at that path
    const bytes = readFileSync(join(out, manifest.embed.path));
    expect(manifest.embed.integrity).toBe(`sha384-${createHash('sha384').update(bytes).digest('base64')}`);
  });

  it('is a committed release, which every build serves beside the current one', () => {
    const releases = readReleases();
    const current = releaseName(manifest.embed.hash);
    expect(releases.has(current), `${current} is not in web/releases/: run npm run docs:embed`).toBe(true);
    expect(releases.get(current)).toBe(readFileSync(join(out, manifest.embed.path), 'utf8'));
    for (const [name, body] of releases) {
      // a release is named by its own content, and the build serves exactly those bytes under /assets/
      expect(name).toBe(releaseName(createHash('sha256').update(body).digest('hex').slice(0, 16)));
      expect(readFileSync(join(out, 'assets', name), 'utf8'), `assets/${name}`).toBe(body);
    }
  });

  it('is rewritten by npm run docs:embed without touching the rest of the doc', () => {
    const doc = readFileSync(EMBEDDING_DOC, 'utf8');
    const stale = withPinnedSnippet(doc, { ...manifest, embed: { ...manifest.embed, path: '/assets/embed.0000000000000000.js', integrity: 'sha384-old' } });
    expect(pinnedBlock(stale)).toContain('embed.0000000000000000.js');
    const fresh = withPinnedSnippet(stale, manifest);
    expect(pinnedBlock(fresh)).toBe(pinnedSnippet(manifest));
    const outside = (text: string) => text.replace(pinnedBlock(text)!, '');
    expect(outside(fresh)).toBe(outside(doc));
    expect(() => withPinnedSnippet('# no markers here\n', manifest)).toThrow(/has no block between/);
  });
});

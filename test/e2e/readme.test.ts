import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markedBlocks, outputPattern, type DocBlock } from './doc-commands';
import { ROOT } from './helpers';

// the README's examples run as written, so it cannot drift from what the code does: this starts the
// Worker as the README says (npm start, on a free port as `npm start -- --port N` allows, with its own
// local store), then runs every marked shell block of README.md and docs/*.md against it (see
// doc-commands.ts) and checks each command's output against the comment under it. the commands run in
// a scratch folder that sees the repository's node_modules and docs, so the files they write stay there.

const DOCS = ['README.md', 'docs/embedding.md'];
const DEFAULT_PORT = '8787';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'mnist-readme-'));
const cwd = join(scratch, 'clone');
let port = 0;
let server: ChildProcess | null = null;
let log = '';

async function waitReady(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`npm start exited with ${server?.exitCode}:\n${log.slice(-3000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not serve a ready Worker within ${seconds} s:\n${log.slice(-3000)}`);
}

beforeAll(async () => {
  mkdirSync(cwd);
  for (const shared of ['node_modules', 'docs']) symlinkSync(join(ROOT, shared), join(cwd, shared));
  port = await freePort();
  const inspector = await freePort();
  // npm start as a newcomer runs it, on another port; its own store and inspector port so it runs beside the other tests' Workers
  server = spawn('npm', ['start', '--', '--port', String(port), '--persist-to', join(scratch, 'state'), '--inspector-port', String(inspector)], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  await waitReady(`http://localhost:${port}`, 120);
}, 180_000);

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  mkdirSync(join(ROOT, 'artifacts/e2e'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts/e2e/readme-npm-start.log'), log);
  rmSync(scratch, { recursive: true, force: true });
});

function sh(command: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    execFile('bash', ['-c', command], { cwd, env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` }, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) =>
      ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const blocks: DocBlock[] = DOCS.flatMap((file) => markedBlocks(file, readFileSync(join(ROOT, file), 'utf8')));

describe('the README and docs examples, run as written', () => {
  it('has examples to run in the README and in docs/embedding.md', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.file === 'docs/embedding.md').length).toBeGreaterThan(0);
    expect(log).toContain(`starting the Worker on http://localhost:${port}`);
    expect(log).not.toMatch(/ENOTFOUND|getaddrinfo/); // no stack trace for the offline Request.cf fetch
  });

  for (const block of blocks) {
    it(`${block.file}:${block.line}: every command runs and gives the output written under it`, async () => {
      for (const { command, expected, line } of block.commands) {
        const where = `${block.file}:${line}: ${command}`;
        const r = await sh(command.replaceAll(`localhost:${DEFAULT_PORT}`, `localhost:${port}`));
        expect(r.code, `${where}\n${r.err}`).toBe(0);
        if (expected !== null) expect(r.out.trim(), where).toMatch(outputPattern(expected));
      }
    }, 180_000);
  }
});

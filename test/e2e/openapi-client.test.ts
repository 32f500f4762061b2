import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from './helpers';

// a client generated from the served /openapi.json is one people can use: openapi-typescript (a
// devDependency) turns the document into types, and tsc checks calls against them, those that must
// compile and, under @ts-expect-error, those that must not. if a wrong call compiled, tsc would
// report the unused @ts-expect-error and the test would fail.

const worker = inject('worker');
const dir = mkdtempSync(join(tmpdir(), 'mnist-openapi-client-'));
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
let doc: any;

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((ok) => {
    execFile(cmd, args, { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) => ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout + stderr }));
  });
}

/** calls a person would write against the generated types */
const CALLS = `import type { paths } from './api';

type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer A } } } } ? A : never;

type Classify = Json<'/classify', 'post'>;
type Batch = Json<'/classify/batch', 'post'>;
type Feedback = Json<'/feedback', 'post'>;

const flat: Classify = { pixels: new Array<number>(784).fill(0) };
const rows: Classify = { pixels: Array.from({ length: 28 }, () => new Array<number>(28).fill(0)) };
const fromBytes: Classify = { pixels: [...new Uint8Array(784)], preprocess: true };
const fromCanvas = (data: Uint8ClampedArray): Classify => ({ pixels: Array.from(data) });
const batch: Batch = { images: [flat.pixels, rows.pixels] };
const feedback: Feedback = { pixels: flat.pixels, label: 4, predicted: 9, modelVersion: '3f2a9c0d1e4b5a67' };

// @ts-expect-error strings are not pixels
const strings: Classify = { pixels: ['0', '255'] };
// @ts-expect-error pixels are numbers, not rows of strings
const stringRows: Classify = { pixels: [['0']] };
// @ts-expect-error pixels are required
const none: Classify = {};
// @ts-expect-error no such field: the body is a closed object
const extra: Classify = { pixels: flat.pixels, threshold: 0.5 };
// @ts-expect-error preprocess is a boolean
const flag: Classify = { pixels: flat.pixels, preprocess: 'yes' };
// @ts-expect-error a batch is a list of images, not one image
const oneImage: Batch = { images: flat.pixels };
// @ts-expect-error the label of a correction is required
const unlabelled: Feedback = { pixels: flat.pixels };

declare const answer: Answer<'/classify', 'post', 200>;
const digit: number = answer.digit;
const probabilities: number[] = answer.probabilities;
const reason: 'several_parts' | 'not_digit_like' | 'low_confidence' | null = answer.reason;
const version: string = answer.model.version;
// @ts-expect-error digit is a number
const digitText: string = answer.digit;
declare const failed: Answer<'/classify', 'post', 422>;
const code: string = failed.error.code;
declare const results: Answer<'/classify/batch', 'post', 200>;
const first: number | undefined = results.results[0]?.digit;

export { fromBytes, fromCanvas, batch, feedback, strings, stringRows, none, extra, flag, oneImage, unlabelled, digit, probabilities, reason, version, digitText, code, first };
`;

beforeAll(async () => {
  doc = await (await fetch(`${worker}/openapi.json`)).json();
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
  writeFileSync(join(dir, 'calls.ts'), CALLS);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a client generated from /openapi.json', () => {
  it('names the Worker that served the document as its server', () => {
    expect(doc.servers).toEqual([{ url: worker, description: expect.any(String) }]);
  });

  it('types pixels as 784 numbers or 28 rows of numbers, and type-checks right calls and rejects wrong ones', async () => {
    const gen = await run(bin('openapi-typescript'), ['openapi.json', '-o', 'api.d.ts']);
    expect(gen.code, gen.out).toBe(0);
    const types = await run('cat', ['api.d.ts']);
    // the shape people see in their editor: no unknown[] in the union, no 784-element tuple
    expect(types.out).toMatch(/Pixels: number\[\] \| number\[\]\[\];/);
    expect(types.out).not.toMatch(/unknown\[\] \|/);
    const tsc = await run(bin('tsc'), ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck', 'calls.ts']);
    expect(tsc.out, 'tsc on the calls').toBe('');
    expect(tsc.code).toBe(0);
  }, 120_000);
});

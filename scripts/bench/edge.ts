// npm run bench:edge: what each kind of request costs the Worker as shipped. the bundle that
// `wrangler deploy --dry-run` writes is imported into Node's V8 (the engine Workers run) and its
// fetch(request, env, ctx) is called directly; process.cpuUsage() around each call gives its CPU time.
//   1. every request class goes once through the bundle with env from wrangler's getPlatformProxy
//      (a local workerd, the model uploaded into its KV): the status each class gets.
//   2. a fresh Node process imports the bundle alone and times every class (warm-up, then p50/p99);
//      wrangler's own 130 MB heap would otherwise make every major GC look like the Worker's. there
//      the model comes from an in-memory KV (test/tools/memory-kv.ts; once loaded, a Worker reads no KV).
//   3. another fresh process measures memory: what one request allocates (from a collected heap to
//      its answer, with a young generation that holds it all; rough, V8's own work in that window
//      counts too) and the most that is live while 16 run at once, their bodies arriving slowly.
// prints a Markdown table: CPU per request (p50 and p99 of the whole process, which includes V8's GC
// and compiler threads, and p99 of the main thread alone, nearer to what Workers count; the cost of
// reading the clock taken off), the two memory figures, the bundle's size and its global-scope
// start-up CPU (a fresh Node process importing it: parsing, compiling and running its top level), and
// the cold start: in 5 fresh processes, the global scope, then a first JSON and a first PNG classify
// (the model read and decoded, every path compiled for the first time), main thread, medians.
//   npm run bench:edge -- [--reps 200] [--warmup 20] [--model models/default.bin] [--plan free|paid]
//                         [--only REGEX] [--no-memory] [--json out.json]
// the machine may be busy: compare rows of one run with each other, not runs with runs.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { encodeGrayPng } from '../../shared/image/png-encode';
import { decodeModel } from '../../shared/model/format';
import { createRng, type Rng } from '../../shared/rng';
import { CHANNELS, chunk, chunksOf, concat, encodeAnyPng, encodePng, ihdr, PNG_SIGNATURE, type AnyPngSpec } from '../lib/png';
import { inflateZlib, maxBlocksFor } from '../../shared/image/inflate';
import { MAX_CHUNKS } from '../../shared/image/png';
import { emptyBlocksPng, emptyTextsPng, grayPng, grayScanlines, oneByteIdatsPng, pngChunk, zlibWithEmptyBlocks, type GrayImage } from '../lib/hostile-png';
import { memoryKv } from '../lib/memory-kv';
import { CURRENT_POINTER_KEY, modelKey } from '../../shared/model/registry';
import { limitsFor, type Limits } from '../../shared/limits';
import { loadMnist } from '../lib/mnist';
import { bigDigit, numberInk } from '../lib/number-ink';
import { morphBy } from '../../shared/train/morph';
import { runCli } from '../lib/cli';
import { jpegCases } from './jpeg-cases';
import { openLocalBindings } from '../lib/wrangler';

/** a full collection (stage 3 runs with --expose-gc) */
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** a full collection whose sweeping and freed buffers have settled, so memoryUsage() shows only what is live */
async function collect(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
}

const WRANGLER = resolve('node_modules/.bin/wrangler');
const ORIGIN = 'https://bench.test';

type WorkerModule = { default: { fetch(req: Request, env: unknown, ctx: unknown): Promise<Response> } };

interface Case {
  route: string;
  input: string;
  /** a fresh request each time (a body can be read once); bodies are built on first use */
  make: () => Request;
  /** the status this class must get */
  expect: number;
  /** body size, once built */
  bytes: () => number;
}

interface Row {
  route: string;
  input: string;
  bytes: number;
  status: string; // every status seen, a/b
  expect: number;
  p50: number;
  p99: number;
  /** p99 of the main thread alone: without V8's GC and compiler threads, closer to what Workers count */
  threadP99: number;
  max: number;
  reps: number;
  allocatedMiB: number | null;
  heldMiB: number | null;
}

// ---------------------------------------------------------------- requests

const built: (() => void)[] = [];

/** computes once, on first use, until forgetBuilt() */
function lazy<T>(build: () => T): () => T {
  let value: { v: T } | null = null;
  built.push(() => (value = null));
  return () => (value ??= { v: build() }).v;
}

/** drops every body built so far: the heap a measured request runs in should be the Worker's, not the bench's */
const forgetBuilt = () => built.forEach((forget) => forget());

type Body = { bytes: Uint8Array; type: string };

const text = (s: string) => new TextEncoder().encode(s);

/** a POST of a lazily built body; chunked: without Content-Length, streamed in 16 KiB pieces */
function post(route: string, input: string, path: string, body: () => Body, expect: number, chunked = false): Case {
  const make = () => {
    const { bytes, type } = body();
    if (!chunked) return new Request(ORIGIN + path, { method: 'POST', headers: { 'Content-Type': type }, body: bytes as BodyInit });
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, (at += 16 * 1024)));
      },
    });
    return new Request(ORIGIN + path, { method: 'POST', headers: { 'Content-Type': type }, body: stream, duplex: 'half' } as RequestInit);
  };
  return { route, input, make, expect, bytes: () => body().bytes.length };
}

function multipart(png: Uint8Array, type = 'image/png'): Body {
  const boundary = '----bench-boundary';
  const head = text(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="digit.${type.slice(6)}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = text(`\r\n--${boundary}--\r\n`);
  return { bytes: concat(head, png, tail), type: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------- images

const COLOUR_NAMES: Record<number, string> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' };

/**
 * a photo-like PNG of the digit: dark ink on paper with grain of ±noise levels (colour types 0, 2, 3),
 * or strokes on a transparent canvas (4, 6). 8- and 16-bit rows use the Paeth filter, the slowest to
 * undo (pngjs writes them); palette and 1/2/4-bit rows are unfiltered (pngjs cannot write those) —
 * unfiltering costs per byte whatever the colour type, so the 8-bit gray rows measure that cost.
 */
function digitPng(ink: Float32Array, side: number, colorType: number, bitDepth: number, noise: number, rng: Rng): Uint8Array {
  const channels = CHANNELS[colorType];
  const max = colorType === 3 ? (1 << bitDepth) - 1 : (1 << bitDepth) - 1;
  const samples = new Uint16Array(side * side * channels);
  const grain = () => (noise > 0 ? rng.int(2 * noise + 1) - noise : 0);
  const clamp = (v: number) => Math.min(255, Math.max(0, v));
  const scale = (v: number) => Math.round((clamp(v) / 255) * max);
  for (let i = 0; i < side * side; i++) {
    const v = ink[i] / 255; // 0 paper .. 1 ink
    const s = i * channels;
    if (colorType === 0 || colorType === 3) {
      samples[s] = scale(235 - 205 * v + grain());
    } else if (colorType === 2) {
      const g = grain();
      samples[s] = scale(235 - 215 * v + g);
      samples[s + 1] = scale(230 - 200 * v + g);
      samples[s + 2] = scale(220 - 100 * v + g);
    } else if (colorType === 4) {
      samples[s] = scale(20);
      samples[s + 1] = scale(255 * v);
    } else {
      samples[s] = scale(20);
      samples[s + 1] = scale(30);
      samples[s + 2] = scale(120);
      samples[s + 3] = scale(255 * v);
    }
  }
  const palette = colorType === 3 ? Array.from({ length: max + 1 }, (_, k) => new Array(3).fill(Math.round((k / max) * 255))) : undefined;
  return encodeAnyPng({ width: side, height: side, bitDepth: bitDepth as AnyPngSpec['bitDepth'], colorType: colorType as AnyPngSpec['colorType'], samples, palette, filter: 4 });
}

/** the noisiest version of the digit PNG that still fits the byte limit (the hardest accepted file) */
function hardestPng(ink: Float32Array, side: number, colorType: number, bitDepth: number, maxBytes: number): { png: Uint8Array; noise: number } {
  for (const noise of [6, 3, 1, 0]) {
    const png = digitPng(ink, side, colorType, bitDepth, noise, createRng(side + colorType * 100 + bitDepth));
    if (png.length <= maxBytes || noise === 0) return { png, noise };
  }
  throw new Error('unreachable');
}

/**
 * a canvas export: `digits` MNIST digits side by side as dark strokes on a transparent width×height
 * canvas, each as tall as the canvas, Paeth-filtered (the costliest filter to undo)
 */
function canvasPng(mnist: Uint8Array, width: number, height: number, digits: number): Uint8Array {
  const samples = new Uint16Array(width * height * 4);
  const step = Math.floor(width / digits);
  for (let k = 0; k < digits; k++) {
    const ink = bigDigit(mnist.subarray(k * D, (k + 1) * D), height);
    const left = k * step + Math.floor((step - height) / 2);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < height; x++) {
        const cx = left + x;
        if (cx < 0 || cx >= width) continue;
        const s = (y * width + cx) * 4;
        samples[s] = 20;
        samples[s + 1] = 30;
        samples[s + 2] = 120;
        samples[s + 3] = Math.max(samples[s + 3], Math.round(ink[y * height + x]));
      }
    }
  }
  return encodeAnyPng({ width, height, bitDepth: 8, colorType: 6, samples, filter: 4 });
}

/** a valid PNG whose image data inflates to far more than its header allows */
function bombPng(side: number): Uint8Array {
  const zeros = new Uint8Array(50 * 1024 * 1024);
  return concat(PNG_SIGNATURE, ihdr({ width: side, height: side, bitDepth: 8, colorType: 0 }), chunk('IDAT', new Uint8Array(deflateSync(zeros))), chunk('IEND'));
}

/** the deflate stream broken half way, every CRC still right: fails only after inflating half */
function brokenDeflatePng(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset);
  let at = 8;
  for (;;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') {
      const data = png.slice(at + 8, at + 8 + length);
      for (let i = Math.floor(length / 2); i < Math.floor(length / 2) + 64 && i < length; i++) data[i] ^= 0x5a;
      return concat(png.subarray(0, at), chunk('IDAT', data), png.subarray(at + 12 + length));
    }
    at += 12 + length;
  }
}

// ---------------------------------------------------------------- the cases

function cases(limits: Limits, mnist: Uint8Array): Case[] {
  const out: Case[] = [];
  const image = (i: number) => Array.from(mnist.subarray((i % 256) * D, ((i % 256) + 1) * D));
  const dense = (seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: D }, () => rng.int(256));
  };
  const grid = (px: unknown[]) => Array.from({ length: IMAGE_SIDE }, (_, y) => px.slice(y * IMAGE_SIDE, (y + 1) * IMAGE_SIDE));
  const json = (path: string, what: string, value: () => unknown, expect: number) =>
    out.push(post(`POST ${path}`, what, path, lazy(() => {
      const v = value();
      return { bytes: text(typeof v === 'string' ? v : JSON.stringify(v)), type: 'application/json' };
    }), expect));
  const png = (what: string, path: string, bytes: () => Uint8Array, expect: number, chunked = false) =>
    out.push(post('POST /classify', what, path, lazy(() => ({ bytes: bytes(), type: 'image/png' })), expect, chunked));
  const raw = (what: string, path: string, bytes: () => Uint8Array, expect: number) =>
    out.push(post('POST /classify/batch', what, path, lazy(() => ({ bytes: bytes(), type: 'application/octet-stream' })), expect));

  for (const path of ['/healthz', '/readyz', '/model', '/model/weights', '/openapi.json', '/docs']) {
    out.push({ route: `GET ${path}`, input: '', make: () => new Request(ORIGIN + path), expect: 200, bytes: () => 0 });
  }

  // one image as JSON
  json('/classify', 'JSON 784 values (an MNIST digit)', () => ({ pixels: image(0) }), 200);
  json('/classify', 'JSON 28×28 (an MNIST digit)', () => ({ pixels: grid(image(0)) }), 200);
  json('/classify', 'JSON 784 values, every pixel inked (worst case)', () => ({ pixels: dense(1) }), 200);
  json('/classify', 'JSON 784 values, preprocess on', () => ({ pixels: image(0), preprocess: true }), 200);
  json('/classify', 'JSON 784 values, return_input', () => ({ pixels: image(0), return_input: true }), 200);
  json('/classify', 'invalid: 784 × -1', () => ({ pixels: new Array(D).fill(-1) }), 400);
  json('/classify', 'invalid: 784 strings', () => ({ pixels: new Array(D).fill('x') }), 400);
  json('/classify', 'invalid: 783 values', () => ({ pixels: new Array(D - 1).fill(0) }), 400);
  json('/classify', 'invalid: 28 rows of 27', () => ({ pixels: grid(image(0)).map((r) => r.slice(1)) }), 400);
  json('/classify', `invalid: nested ${limits.jsonBytes / 2} deep`, () => '['.repeat(limits.jsonBytes / 2) + ']'.repeat(limits.jsonBytes / 2), 400);
  json('/classify', 'invalid: truncated JSON', () => '{"pixels": [1, 2', 400);
  const overJson = lazy(() => ({ bytes: text(JSON.stringify({ pixels: image(0) }) + ' '.repeat(limits.jsonBytes)), type: 'application/json' }));
  out.push(post('POST /classify', 'oversized JSON (Content-Length)', '/classify', overJson, 413));
  out.push(post('POST /classify', 'oversized JSON (chunked)', '/classify', overJson, 413, true));

  // batches as JSON
  const N = limits.batchImages;
  const sizes = [...new Set([1, 64, N])].filter((n) => n <= N);
  for (const n of sizes) json('/classify/batch', `JSON batch of ${n} MNIST digits`, () => ({ images: Array.from({ length: n }, (_, i) => image(i)) }), 200);
  // the costliest batch accepted: as many images inked edge to edge as the ink budget holds (shared/limits.ts
  // batchInkedInputs), the rest one dot each (at most 2 inputs once deskewed)
  const F = Math.min(N, Math.floor((limits.batchInkedInputs - 2 * N) / D));
  const dot = (i: number) => Array.from({ length: D }, (_, d) => (d === 300 + (i % 200) ? 255 : 0));
  const atBudget = (i: number) => (i < F ? dense(i) : dot(i));
  json('/classify/batch', `JSON batch of ${N} at the ink budget: ${F} every pixel inked, the rest a dot (worst case)`, () => ({ images: Array.from({ length: N }, (_, i) => atBudget(i)) }), 200);
  // json.dumps in Python separates with ", ": the largest honest body of a dense batch
  json('/classify/batch', `JSON batch of ${N} at the ink budget, ", " separators (Python's json.dumps)`, () => JSON.stringify({ images: Array.from({ length: N }, (_, i) => atBudget(i)) }).replaceAll(',', ', '), 200);
  if (F < N) json('/classify/batch', `too dense: ${N} images, every pixel inked`, () => ({ images: Array.from({ length: N }, (_, i) => dense(i)) }), 413);
  json('/classify/batch', `JSON batch of ${N} × 28×28`, () => ({ images: Array.from({ length: N }, (_, i) => grid(image(i))) }), 200);
  // a key escaped: not read from the bytes (worker/batch-json.ts) but by JSON.parse, which takes fewer images
  const P = limits.batchParsedImages;
  const escaped = (n: number) => JSON.stringify({ images: Array.from({ length: n }, (_, i) => dense(i)) }).replace('"images"', '"\\u0069mages"');
  json('/classify/batch', `JSON batch of ${P}, every pixel inked, an escaped key (read by JSON.parse)`, () => escaped(P), 200);
  if (P < N) json('/classify/batch', `invalid: ${P + 1} images, an escaped key`, () => escaped(P + 1), 400);
  json('/classify/batch', `JSON batch of ${N}, preprocess on`, () => ({ images: Array.from({ length: N }, (_, i) => image(i)), preprocess: true }), 200);
  json('/classify/batch', `invalid: ${N} × 784 × -1`, () => ({ images: Array.from({ length: N }, () => new Array(D).fill(-1)) }), 400);
  json('/classify/batch', `invalid: ${N} × 784 strings`, () => ({ images: Array.from({ length: N }, () => new Array(D).fill('x')) }), 400);
  json('/classify/batch', `invalid: ${N} × 783 values`, () => ({ images: Array.from({ length: N }, () => new Array(D - 1).fill(0)) }), 400);
  json('/classify/batch', `invalid: ${N} × 28 rows of 27`, () => ({ images: Array.from({ length: N }, (_, i) => grid(image(i)).map((r) => r.slice(1))) }), 400);
  json('/classify/batch', `invalid: ${N} × 28×28 of strings`, () => ({ images: Array.from({ length: N }, () => grid(new Array(D).fill('x'))) }), 400);
  json('/classify/batch', `invalid: ${N} images, the last pixel of the last 256`, () => ({ images: Array.from({ length: N }, (_, i) => (i === N - 1 ? [...image(i).slice(1), 256] : image(i))) }), 400);
  json('/classify/batch', `invalid: ${N + 1} images`, () => ({ images: Array.from({ length: N + 1 }, (_, i) => image(i)) }), 400);
  const deep = limits.batchJsonBytes / 2;
  json('/classify/batch', `invalid: nested ${deep} deep`, () => '['.repeat(deep) + ']'.repeat(deep), 400);
  const overBatch = lazy(() => ({ bytes: text(JSON.stringify({ images: [image(0)] }) + ' '.repeat(limits.batchJsonBytes)), type: 'application/json' }));
  out.push(post('POST /classify/batch', 'oversized JSON (Content-Length)', '/classify/batch', overBatch, 413));
  out.push(post('POST /classify/batch', 'oversized JSON (chunked)', '/classify/batch', overBatch, 413, true));

  // batches as bytes: N × 784 u8
  const packed = (n: number, fill: (i: number) => ArrayLike<number>) => {
    const bytes = new Uint8Array(n * D);
    for (let i = 0; i < n; i++) bytes.set(fill(i), i * D);
    return bytes;
  };
  for (const n of sizes) raw(`bytes: ${n} MNIST digits`, '/classify/batch', () => packed(n, image), 200);
  raw(`bytes: ${N} at the ink budget: ${F} every pixel inked (worst case)`, '/classify/batch', () => packed(N, atBudget), 200);
  if (F < N) raw(`too dense: bytes, ${N} images, every pixel inked`, '/classify/batch', () => packed(N, dense), 413);
  raw(`bytes: ${N}, preprocess on`, '/classify/batch?preprocess=true', () => packed(N, image), 200);
  raw(`invalid: bytes, ${N} × 784 − 1`, '/classify/batch', () => packed(N, image).subarray(0, N * D - 1), 400);
  raw(`oversized: bytes, ${N + 1} × 784`, '/classify/batch', () => packed(N + 1, image), 413);

  // PNGs: sizes, then every colour type and bit depth at 512² and the largest accepted
  const sides = [...new Set([28, 256, 512, limits.imageSide])].filter((s) => s <= limits.imageSide);
  const inkOf = (side: number) => lazy(() => bigDigit(mnist.subarray(0, D), side));
  const formats: [number, number][] = [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [3, 1], [3, 2], [3, 4], [3, 8], [4, 8], [4, 16], [6, 8], [6, 16]];
  const worst = lazy(() => hardestPng(inkOf(limits.imageSide)(), limits.imageSide, 6, 16, limits.imageBytes));
  for (const side of sides) {
    const ink = inkOf(side);
    const list = side >= Math.min(512, limits.imageSide) ? formats : ([[0, 8], [6, 8]] as [number, number][]);
    for (const [colorType, bitDepth] of list) {
      const file = side === limits.imageSide && colorType === 6 && bitDepth === 16 ? worst : lazy(() => hardestPng(ink(), side, colorType, bitDepth, limits.imageBytes));
      const fits = pngFits(side, colorType, bitDepth, limits);
      png(`PNG ${side}², ${COLOUR_NAMES[colorType]} ${bitDepth}-bit`, '/classify', () => file().png, fits ? 200 : 413);
    }
  }
  // canvases as drawing pads export them (toBlob: 8-bit RGBA, strokes on a transparent background)
  png('PNG 280×280 RGBA 8-bit canvas (a drawing pad\'s toBlob)', '/classify', lazy(() => canvasPng(mnist, 280, 280, 1)), 200);
  png('PNG 600×200 RGBA 8-bit canvas (a number on a wide pad)', '/classify', lazy(() => canvasPng(mnist, 600, 200, 3)), 200);
  // the largest square accepted in each format: the most pixel data this deployment decodes
  for (const [colorType, bitDepth] of formats) {
    const side = largestSide(colorType, bitDepth, limits);
    if (sides.includes(side)) continue;
    const file = lazy(() => hardestPng(bigDigit(mnist.subarray(0, D), side), side, colorType, bitDepth, limits.imageBytes));
    png(`PNG ${side}², ${COLOUR_NAMES[colorType]} ${bitDepth}-bit (the largest accepted)`, '/classify', () => file().png, 200);
  }
  // what the page and client.js send for a photo (web/photo/): at most 256 px, 8-bit gray, stored deflate blocks
  png('PNG 256×192, gray 8-bit stored, as the page sends a photo', '/classify?return_input=true', () => {
    const ink = inkOf(192)();
    const gray = new Uint8Array(256 * 192).fill(232);
    for (let y = 0; y < 192; y++) for (let x = 0; x < 192; x++) gray[y * 256 + 32 + x] = Math.round(232 - (200 * ink[y * 192 + x]) / 255);
    return encodeGrayPng(256, 192, gray);
  }, 200);
  png('PNG 28², as it is (?preprocess=false)', '/classify?preprocess=false', () => digitPng(inkOf(IMAGE_SIDE)().map((v) => 255 - v), IMAGE_SIDE, 0, 8, 0, createRng(1)), 200);
  // the hardest accepted file: the most pixel data the limits allow, in the costliest format for that
  const hardest = lazy(() => {
    let best: { side: number; colorType: number; bitDepth: number; data: number } | null = null;
    for (const [colorType, bitDepth] of [[6, 16], [2, 16], [4, 16], [0, 16], [6, 8], [2, 8], [4, 8], [0, 8]] as const) {
      const side = largestSide(colorType, bitDepth, limits);
      const data = side * Math.ceil((side * CHANNELS[colorType] * bitDepth) / 8);
      if (!best || data > best.data) best = { side, colorType, bitDepth, data };
    }
    const { side, colorType, bitDepth } = best!;
    return hardestPng(bigDigit(mnist.subarray(0, D), side), side, colorType, bitDepth, limits.imageBytes);
  });
  out.push(post('POST /classify', `multipart: the hardest accepted PNG`, '/classify', lazy(() => multipart(hardest().png)), 200));
  png(`invalid: the hardest accepted PNG with a bad CRC`, '/classify', () => {
    const crc = hardest().png.slice();
    crc[60] ^= 0xff;
    return crc;
  }, 400);
  png(`invalid: the hardest accepted PNG, deflate broken half way`, '/classify', () => brokenDeflatePng(hardest().png), 400);
  png(`invalid: the hardest accepted PNG cut in half`, '/classify', () => hardest().png.subarray(0, Math.floor(hardest().png.length / 2)), 400);
  png('invalid: decompression bomb (50 MB of zeros)', '/classify', () => bombPng(Math.min(256, limits.imageSide)), 400);
  // hostile constructions (scripts/lib/hostile-png.ts) filling the byte limit: work per deflate block or per
  // chunk rather than per byte of image. each must cost no more than an honest PNG of its size
  const digitImage = (side: number): GrayImage => {
    const ink = bigDigit(mnist.subarray(0, D), side);
    return { width: side, height: side, gray: Array.from(ink, (v) => 255 - Math.round(v)) };
  };
  for (const [kind, what, expect] of [
    ['dynamic-incomplete', 'empty dynamic-Huffman blocks (incomplete codes)', 400],
    ['dynamic-zlib', 'empty dynamic-Huffman blocks that Node\'s zlib accepts', 422],
    ['stored', 'empty stored blocks (sync flushes)', 422],
  ] as const) {
    const file = lazy(() => emptyBlocksPng(kind, digitImage(IMAGE_SIDE), limits.imageBytes));
    png(`invalid: PNG of ${emptyBlocksPng(kind, digitImage(IMAGE_SIDE), limits.imageBytes).blocks.toLocaleString('en-US')} ${what}, then a 28² digit`, '/classify', () => file().png, expect);
  }
  const idats = lazy(() => oneByteIdatsPng(digitImage, limits.imageBytes));
  png(`invalid: PNG of ${idats().chunks.toLocaleString('en-US')} one-byte IDAT chunks`, '/classify', () => idats().png, 422);
  const texts = lazy(() => emptyTextsPng(digitImage(IMAGE_SIDE), new Uint8Array(deflateSync(grayScanlines(digitImage(IMAGE_SIDE)))), limits.imageBytes));
  png(`invalid: PNG of ${texts().chunks.toLocaleString('en-US')} empty tEXt chunks, then a 28² digit`, '/classify', () => texts().png, 422);
  // within the caps: the noisiest 8-bit gray image that still fits the byte limit after as many empty
  // blocks with full tables (the costliest to build) as the block cap allows, and as many empty tEXt
  // chunks as the chunk cap allows
  const withPadding = (base: Uint8Array) => {
    const side = limits.imageSide;
    const zlib = concat(...chunksOf(base).filter(([type]) => type === 'IDAT').map(([, data]) => data));
    const scanlines = new Uint8Array(inflateSync(zlib));
    const stats = { blocks: 0 };
    inflateZlib([zlib], new Uint8Array(scanlines.length), { stats });
    const blocks = maxBlocksFor(scanlines.length) - stats.blocks - 1;
    const stream = zlibWithEmptyBlocks('dynamic-full', blocks, scanlines, zlib.subarray(2, -4));
    const texts = new Array(MAX_CHUNKS - 3 - Math.ceil(stream.length / 8192)).fill(pngChunk('tEXt'));
    return { blocks, texts: texts.length, png: grayPng(side, side, stream, 8192, texts) };
  };
  const atTheCaps = lazy(() => {
    const ink = inkOf(limits.imageSide)();
    // what the padding adds, measured on the quietest image; then the noisiest base that leaves room for it
    const quiet = hardestPng(ink, limits.imageSide, 0, 8, 0).png;
    const padding = withPadding(quiet).png.length - quiet.length;
    const padded = withPadding(hardestPng(ink, limits.imageSide, 0, 8, limits.imageBytes - padding - 1024).png);
    return padded.png.length <= limits.imageBytes ? padded : withPadding(quiet);
  });
  png(`PNG ${limits.imageSide}², gray 8-bit, after ${atTheCaps().blocks} empty full-table blocks and ${atTheCaps().texts} empty tEXt (the caps)`, '/classify', () => atTheCaps().png, 200);
  png(`invalid: PNG ${limits.imageSide + 1}×1`, '/classify', () => encodePng({ width: limits.imageSide + 1, height: 1, bitDepth: 8, colorType: 0, samples: new Uint8Array(limits.imageSide + 1) }), 413);
  png(`invalid: PNG ${limits.imageSide}², RGBA 16-bit, over the pixel data limit`, '/classify', () => worst().png, pngFits(limits.imageSide, 6, 16, limits) ? 200 : 413);
  const overPng = () => {
    const bytes = new Uint8Array(limits.imageBytes + 1);
    bytes.set(PNG_SIGNATURE);
    return bytes;
  };
  png('oversized PNG (Content-Length)', '/classify', lazy(overPng), 413);
  png('oversized PNG (chunked)', '/classify', lazy(overPng), 413, true);
  jpegCases(limits.plan, (what, path, bytes, expect, type = 'image/jpeg') =>
    out.push(post('POST /classify', what, path, lazy(() => (type === 'multipart' ? multipart(bytes(), 'image/jpeg') : { bytes: bytes(), type })), expect)));
  readCases(out, limits, mnist);
  return out;
}

// ---------------------------------------------------------------- POST /read

/**
 * an 8-bit PNG of an ink map: dark ink on paper (gray, with ±3 grain) or strokes on a transparent canvas
 * (RGBA; `grain`: 0..6 more alpha everywhere, a canvas that barely compresses)
 */
function numberPng(ink: Float32Array, W: number, H: number, colorType: 0 | 6, grain = false): Uint8Array {
  const channels = CHANNELS[colorType];
  const samples = new Uint16Array(W * H * channels);
  const rng = createRng(W + H);
  for (let i = 0; i < W * H; i++) {
    const v = ink[i] / 255;
    if (colorType === 0) samples[i] = Math.round(Math.min(255, Math.max(0, 235 - 205 * v + rng.int(7) - 3)));
    else samples.set([20, 30, 120, Math.min(255, Math.round(255 * v) + (grain ? rng.int(7) : 0))], i * 4);
  }
  return encodeAnyPng({ width: W, height: H, bitDepth: 8, colorType, samples, filter: 4 });
}

function readCases(out: Case[], limits: Limits, mnist: Uint8Array): void {
  const W = 600, H = 200;
  const fits = (colorType: number) => (W <= limits.imageSide && H * W * CHANNELS[colorType] <= limits.imageDataBytes ? 200 : 413);
  const png = (what: string, bytes: () => Uint8Array, expect: number) => out.push(post('POST /read', what, '/read', lazy(() => ({ bytes: bytes(), type: 'image/png' })), expect));
  png(`PNG ${W}×${H} RGBA canvas, 6 MNIST digits apart`, () => numberPng(numberInk(mnist, 6, W, H, 12, 3.5), W, H, 6), fits(6));
  // the same canvas grained: ~110 KiB to inflate instead of 15 (the dearest PNG to decode the free plan takes at this size)
  png(`PNG ${W}×${H} RGBA canvas, 6 MNIST digits apart, grained (the most bytes to inflate)`, () => numberPng(numberInk(mnist, 6, W, H, 12, 3.5), W, H, 6, true), fits(6));
  png(`PNG ${W}×${H} gray, 6 MNIST digits apart`, () => numberPng(numberInk(mnist, 6, W, H, 12, 3.5), W, H, 0), fits(0));
  png(`PNG ${W}×${H} gray, 6 MNIST digits touching`, () => numberPng(numberInk(mnist, 6, W, H, -6, 3.5), W, H, 0), fits(0));
  png(`PNG ${W}×${H} gray, 12 MNIST digits touching (most cuts)`, () => numberPng(numberInk(mnist, 12, W, H, -4, 1.8), W, H, 0), fits(0));
  png(`PNG ${W}×${H} gray, 6 MNIST digits in thin slices (most marks)`, () => {
    const ink = numberInk(mnist, 6, W, H, 12, 3.5);
    for (let x = 0; x < W; x += 3) for (let y = 0; y < H; y++) ink[y * W + x] = 0;
    return numberPng(ink, W, H, 0);
  }, fits(0));
  // a thick marker: the touching digits overlapping and dilated until 63% of the line's box is ink, which the
  // noise guard (MAX_LINE_FILL in shared/model/read.ts) refused before it went from 0.55 to 0.65
  png(`PNG ${W}×${H} gray, 6 MNIST digits touching in a thick marker (63% of the line inked)`, () => {
    const ink = numberInk(mnist, 6, W, H, -25, 3.5);
    morphBy(ink, new Float32Array(W * H), W, H, 8);
    return numberPng(ink, W, H, 0);
  }, fits(0));
  // squared paper: lines every 40 px both ways at a third of the pen's contrast, found and removed
  // before the digits are (shared/image/rulings.ts): the one picture that takes rulings' every pass
  png(`PNG ${W}×${H} gray, 6 MNIST digits apart on squared paper`, () => {
    const digits = numberInk(mnist, 6, W, H, 12, 3.5);
    const ink = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const lined = y % 40 === 20 || x % 40 === 20 ? 85 : 0;
        ink[y * W + x] = Math.max(lined, x >= 40 ? digits[y * W + x - 40] : 0); // the number 40 px in: paper on both sides
      }
    }
    return numberPng(ink, W, H, 0);
  }, fits(0));
  png(`PNG ${W}×${H} gray, speckled noise`, () => {
    const rng = createRng(5);
    return numberPng(Float32Array.from({ length: W * H }, () => (rng.uniform() < 0.2 ? 255 : 0)), W, H, 0);
  }, fits(0)); // read as some uncertain digits: what it costs is the point
  const rowsW = 200, rowsH = 70;
  out.push(post('POST /read', `JSON ${rowsW}×${rowsH} rows, 6 MNIST digits apart`, '/read', lazy(() => {
    const ink = numberInk(mnist, 6, rowsW, rowsH, 4, 1.2);
    const rows = Array.from({ length: rowsH }, (_, y) => Array.from(ink.subarray(y * rowsW, (y + 1) * rowsW), Math.round));
    return { bytes: text(JSON.stringify({ pixels: rows })), type: 'application/json' };
  }), 200));
  // the costliest JPEGs to decode at READ_SIDE: /read's decoding spends what reading then cannot
  for (const file of ['photo-1920x1080.jpg', 'photo-512x512.jpg']) {
    out.push(post('POST /read', `JPEG ${file.slice(6, -4)} photo of a digit (the costliest to decode)`, '/read', lazy(() => ({ bytes: new Uint8Array(readFileSync(`test/fixtures/jpeg/${file}`)), type: 'image/jpeg' })), 200));
  }
  // a photographed number as phones send it (test/fixtures/jpeg/make-number.sh: 305218 on unevenly lit paper)
  for (const kind of ['', '-progressive']) {
    const file = `test/fixtures/jpeg/number-640x480${kind}.jpg`;
    out.push(post('POST /read', `JPEG 640×480 photo of 6 digits${kind ? ', progressive' : ', baseline'}`, '/read', lazy(() => ({ bytes: new Uint8Array(readFileSync(file)), type: 'image/jpeg' })), 200));
  }
}

/** whether a side² PNG in this format is within the pixel data limit */
function pngFits(side: number, colorType: number, bitDepth: number, limits: Limits): boolean {
  return side <= limits.imageSide && side * Math.ceil((side * CHANNELS[colorType] * bitDepth) / 8) <= limits.imageDataBytes;
}

/** the largest square image of this format the limits accept */
function largestSide(colorType: number, bitDepth: number, limits: Limits): number {
  let side = limits.imageSide;
  while (side > 1 && !pngFits(side, colorType, bitDepth, limits)) side--;
  return side;
}

// ---------------------------------------------------------------- measuring

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/** the Worker's console output, kept out of the table (a rejected request may log, a 500 does) */
const logged: string[] = [];
function silenceConsole(): void {
  for (const level of ['log', 'info', 'warn', 'error'] as const) console[level] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
}

interface Harness {
  worker: WorkerModule;
  env: unknown;
  ctx: unknown;
}

async function send(h: Harness, req: Request): Promise<{ status: number; body: string }> {
  const res = await h.worker.default.fetch(req, h.env, h.ctx);
  const bytes = await res.arrayBuffer();
  return { status: res.status, body: res.status >= 400 ? new TextDecoder().decode(bytes).slice(0, 300) : '' };
}

/** memory one request allocates: from a collected heap to its answer (no scavenge in between: see MEMORY_FLAGS) */
async function allocated(h: Harness, req: Request): Promise<number> {
  await collect();
  const before = live();
  await send(h, req);
  return Math.max(0, live() - before) / MiB;
}

/** the request again, its body arriving in 16 KiB pieces a task apart, as from the network */
async function arrivingSlowly(req: Request): Promise<Request> {
  if (req.body === null) return req;
  const bytes = new Uint8Array(await req.arrayBuffer());
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setImmediate(r));
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 16 * 1024)));
    },
  });
  const headers = new Headers(req.headers);
  headers.delete('content-length');
  return new Request(req.url, { method: req.method, headers, body, duplex: 'half' } as RequestInit);
}

/**
 * live memory (after a full gc) at its highest while `n` requests run at once, above what was live
 * before. their bodies arrive slowly, so all n are held while the first ones are being answered.
 */
async function heldAtOnce(h: Harness, c: Case, n: number): Promise<number> {
  const requests = await Promise.all(Array.from({ length: n }, () => arrivingSlowly(c.make())));
  await collect();
  const base = live();
  let peak = 0;
  let running = n;
  const all = requests.map((r) => send(h, r).finally(() => running--));
  while (running > 0) {
    await new Promise((r) => setImmediate(r));
    gc();
    peak = Math.max(peak, live() - base);
  }
  await Promise.all(all);
  return peak / MiB;
}

const MiB = 1024 * 1024;

/** 2 × 64 MiB of young generation: a request's garbage stays countable until the next full gc */
const MEMORY_FLAGS = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

interface MeasureConfig {
  bundle: string;
  model: string; // path of the model file
  plan: string;
  reps: number;
  warmup: number;
  concurrency: number;
  /** cpu: timings; memory: allocation and live memory, in a process whose young generation holds a whole request */
  mode: 'cpu' | 'memory';
  only: string | null;
  out: string;
}

/**
 * runs a class until V8 has optimised its path: `warmup` requests, and more for cheap ones (up to
 * 20 × as many, or 1 s of CPU). returns the mean CPU ms of a warm-up request.
 */
async function warmUp(run: () => Promise<number>, warmup: number): Promise<number> {
  let warm = 0;
  let spent = 0;
  while (warm < warmup || (warm < 20 * warmup && spent < 1000)) {
    spent += await run();
    warm++;
  }
  return spent / warm;
}

/** the model under test made current, without the registry's checks (upload scores it on MNIST: minutes) */
async function placeModel(kv: { put(key: string, value: string | Uint8Array): Promise<unknown> }, bytes: Uint8Array): Promise<void> {
  const { version } = await decodeModel(bytes);
  await kv.put(modelKey(version), bytes);
  await kv.put(CURRENT_POINTER_KEY, JSON.stringify({ version, previous: [], updatedAt: new Date(0).toISOString() }));
}

/** stage 2, in a fresh process: time every class */
async function measure(config: MeasureConfig): Promise<void> {
  const limits = limitsFor(config.plan);
  const bytes = new Uint8Array(readFileSync(config.model));
  const models = memoryKv();
  await placeModel(models, bytes);
  const worker = (await import(pathToFileURL(config.bundle).href)) as WorkerModule;
  const h: Harness = {
    worker,
    env: { MODELS: models, MODEL_REFRESH_SECONDS: '86400', WORKERS_PLAN: config.plan },
    ctx: { waitUntil() {}, passThroughOnException() {}, props: {} },
  };
  const only = config.only ? new RegExp(config.only, 'i') : null;
  const all = cases(limits, loadMnist().test.images).filter((c) => !only || only.test(`${c.route} ${c.input}`));
  silenceConsole();
  // what reading the CPU clock itself costs, taken off every figure
  const empty: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = process.cpuUsage();
    empty.push(cpuMs(t));
  }
  const overhead = quantile(empty.sort((a, b) => a - b), 0.5);
  const rows: Row[] = [];
  for (const c of all) {
    const row: Row = { route: c.route, input: c.input, bytes: c.bytes(), status: '', expect: c.expect, p50: 0, p99: 0, threadP99: 0, max: 0, reps: 0, allocatedMiB: null, heldMiB: null };
    if (config.mode === 'memory') {
      // compiled and warm, as in a busy isolate (code V8 still interprets boxes every number it computes)
      await warmUp(async () => {
        const t = process.cpuUsage();
        await send(h, c.make());
        return cpuMs(t);
      }, config.warmup);
      row.allocatedMiB = await allocated(h, c.make());
      row.heldMiB = await heldAtOnce(h, c, config.concurrency);
      rows.push(row);
      forgetBuilt();
      continue;
    }
    const statuses = new Set<number>();
    const threadTimes: number[] = [];
    const run = async () => {
      const req = c.make();
      const t = process.cpuUsage();
      const tt = process.threadCpuUsage();
      const { status } = await send(h, req);
      const ms = cpuMs(t);
      const d = process.threadCpuUsage(tt);
      threadTimes.push(Math.max(0, (d.user + d.system) / 1000 - overhead));
      statuses.add(status);
      return ms;
    };
    const perRequest = await warmUp(run, config.warmup);
    threadTimes.length = 0; // the main thread's p99, as the process's, of the measured requests only (not the warm-up's first, unoptimised ones)
    // at least 50 repetitions; slow classes get fewer than --reps so that a run ends in minutes
    const n = Math.max(50, Math.min(config.reps, Math.ceil(5000 / Math.max(perRequest, 0.01))));
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(Math.max(0, (await run()) - overhead));
    times.sort((a, b) => a - b);
    Object.assign(row, { status: [...statuses].sort().join('/'), p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times[times.length - 1], reps: n });
    rows.push(row);
    threadTimes.sort((a, b) => a - b);
    row.threadP99 = quantile(threadTimes, 0.99);
    process.stderr.write(`${c.route} ${c.input}: ${row.status} p50 ${fmt(row.p50)} ms p99 ${fmt(row.p99)} ms (main thread p99 ${fmt(row.threadP99)} ms)\n`);
    forgetBuilt();
  }
  writeFileSync(config.out, JSON.stringify({ rows, logged: logged.slice(0, 20), overhead }));
}

/** stage 1: each class once through the bundle with the proxy's bindings; the answer it gets */
async function checkWithProxy(bundle: string, model: Uint8Array, plan: string, limits: Limits, only: RegExp | null, dir: string): Promise<Map<string, string>> {
  const proxy = await openLocalBindings<Record<string, unknown>>(join(dir, 'state'));
  try {
    // no rate limits (the bench sends thousands of requests); the plan under test
    const { CLASSIFY_LIMITER, FEEDBACK_LIMITER, MODEL_LIMITER, DEFAULT_LIMITER, ...bindings } = proxy.env;
    const h: Harness = { worker: (await import(pathToFileURL(bundle).href)) as WorkerModule, env: { ...bindings, WORKERS_PLAN: plan }, ctx: proxy.ctx };
    await placeModel(bindings.MODELS as Parameters<typeof placeModel>[0], model);
    // the first load reads KV through the proxy; wait until the model is served
    for (let i = 0; ; i++) {
      const { status, body } = await send(h, new Request(`${ORIGIN}/readyz`));
      if (status === 200) break;
      if (i === 20) throw new Error(`the Worker does not serve the model: ${body}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const answers = new Map<string, string>();
    for (const c of cases(limits, loadMnist().test.images)) {
      if (only && !only.test(`${c.route} ${c.input}`)) continue;
      const { status, body } = await send(h, c.make());
      answers.set(`${c.route} ${c.input}`, status === c.expect ? String(status) : `${status} ⚠ expected ${c.expect}: ${body.slice(0, 200)}`);
    }
    return answers;
  } finally {
    await proxy.dispose();
  }
}

function startupCpu(bundle: string, runs: number): number[] {
  const code = `const t = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); const d = process.cpuUsage(t); console.log((d.user + d.system) / 1000);`;
  return Array.from({ length: runs }, () => Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim()));
}

/**
 * a fresh isolate's first request, in a fresh Node process each run: the bundle's global scope, then
 * one request (the model read from an in-memory KV and decoded on the way, every code path compiled
 * for the first time), then the same request again. main-thread CPU (V8's compiler threads not counted).
 */
function firstRequestCpu(bundle: string, model: string, body: string, type: string, path: string, runs: number, version: string, plan: string): { global: number; first: number; second: number }[] {
  const code = `
    import { readFileSync } from 'node:fs';
    const model = new Uint8Array(readFileSync(${JSON.stringify(model)}));
    const version = ${JSON.stringify(version)};
    const body = new Uint8Array(readFileSync(${JSON.stringify(body)}));
    const values = new Map();
    const kv = {
      async get(key, type) { const v = values.get(key); return v === undefined ? null : type === 'text' ? v : v.slice().buffer; },
      // the loader reads a model with its KV metadata (the accuracy the uploader measured): none here
      async getWithMetadata(key, type) { return { value: await this.get(key, type), metadata: null }; },
    };
    const env = { MODELS: kv, MODEL_REFRESH_SECONDS: '86400', WORKERS_PLAN: ${JSON.stringify(plan)} };
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
    const make = () => new Request(${JSON.stringify(ORIGIN + path)}, { method: 'POST', headers: { 'Content-Type': ${JSON.stringify(type)} }, body });
    // Node loads its own fetch, streams and text codecs on first use; workerd has them built in: load them untimed
    await new Response(await new Request('https://warm.test/', { method: 'POST', body: '{"a":1}' }).json().then(JSON.stringify)).arrayBuffer();
    new TextDecoder().decode(new TextEncoder().encode('x'));
    await crypto.subtle.digest('SHA-256', new Uint8Array(1));
    const ms = (d) => (d.user + d.system) / 1000;
    const timed = async (f) => { const t = process.threadCpuUsage(); const r = await f(); return [ms(process.threadCpuUsage(t)), r]; };
    const [global, worker] = await timed(() => import(${JSON.stringify(pathToFileURL(bundle).href)}));
    const send = async () => { const req = make(); return timed(async () => { const res = await worker.default.fetch(req, env, ctx); await res.arrayBuffer(); return res.status; }); };
    values.set(${JSON.stringify(CURRENT_POINTER_KEY)}, JSON.stringify({ version, previous: [], updatedAt: new Date(0).toISOString() }));
    values.set(${JSON.stringify(modelKey(version))}, model);
    const [first, status] = await send();
    const [second] = await send();
    if (status !== 200) throw new Error('the first request got ' + status);
    console.log(JSON.stringify({ global, first, second }));`;
  return Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim()));
}

function buildBundle(dir: string): { file: string; bytes: number; gzip: number } {
  execFileSync(WRANGLER, ['deploy', '--dry-run', '--outdir', dir], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  // an ES module, said so: otherwise Node parses it once more to guess (~30 ms no Worker spends)
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  const file = join(dir, 'index.js');
  const src = readFileSync(file);
  return { file, bytes: statSync(file).size, gzip: gzipSync(src, { level: 9 }).length };
}

/** the model under test: by default the committed one a fresh clone serves */
function modelFile(path = 'models/default.bin'): { file: string; from: string } {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  return { file: path, from: path };
}

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const kib = (n: number) => (n < 1024 ? `${n} B` : n < MiB ? `${(n / 1024).toFixed(1)} KiB` : `${(n / MiB).toFixed(2)} MiB`);

runCli(async () => {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string' }, warmup: { type: 'string' }, model: { type: 'string' }, plan: { type: 'string' },
      only: { type: 'string' }, 'no-memory': { type: 'boolean' }, json: { type: 'string' }, concurrency: { type: 'string' },
      measure: { type: 'string' }, // internal: the child process of stage 2, given its config file
    },
  });
  if (values.measure) return measure(JSON.parse(readFileSync(values.measure, 'utf8')) as MeasureConfig);

  const plan = values.plan ?? 'free';
  const limits = limitsFor(plan);
  const only = values.only ? new RegExp(values.only, 'i') : null;
  const concurrency = Number(values.concurrency ?? 16);
  const dir = mkdtempSync(join(tmpdir(), 'bench-edge-'));
  try {
    console.log(`bench:edge on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · node ${process.version} · WORKERS_PLAN=${plan}`);
    const bundle = buildBundle(join(dir, 'bundle'));
    const startup = startupCpu(bundle.file, 5).sort((a, b) => a - b);
    console.log(`bundle ${kib(bundle.bytes)}, ${kib(bundle.gzip)} gzipped · global-scope start-up CPU ${fmt(startup[2])} ms (median of 5 fresh processes, ${fmt(startup[0])}–${fmt(startup[4])})`);
    const model = modelFile(values.model);
    const decoded = await decodeModel(new Uint8Array(readFileSync(model.file)));
    console.log(`model ${decoded.header.architecture.sizes.join('-')} ${decoded.header.dtype} from ${model.from}`);

    // cold start: what a fresh isolate spends on its first JSON and first PNG classify
    const version = decoded.version;
    const mnistTest = loadMnist().test.images;
    const firstBodies = [
      { what: 'JSON 784 values (an MNIST digit)', file: join(dir, 'first.json'), type: 'application/json', bytes: text(JSON.stringify({ pixels: Array.from(mnistTest.subarray(0, D)) })) },
      { what: 'PNG 280×280 RGBA canvas', file: join(dir, 'first.png'), type: 'image/png', bytes: canvasPng(mnistTest, 280, 280, 1) },
    ];
    const cold: { what: string; global: number; first: number; second: number }[] = [];
    for (const f of firstBodies) {
      writeFileSync(f.file, f.bytes);
      const runs = firstRequestCpu(bundle.file, model.file, f.file, f.type, '/classify', 5, version, plan);
      const median = (k: 'global' | 'first' | 'second') => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
      cold.push({ what: f.what, global: median('global'), first: median('first'), second: median('second') });
      console.log(`cold start, ${f.what}: global scope ${fmt(median('global'))} ms, first request ${fmt(median('first'))} ms, the second ${fmt(median('second'))} ms (main thread, median of 5 fresh processes)`);
    }

    const answers = await checkWithProxy(bundle.file, new Uint8Array(readFileSync(model.file)), plan, limits, only, dir);
    const wrong = [...answers].filter(([, a]) => a.includes('⚠'));
    console.log(`stage 1, through getPlatformProxy: ${answers.size - wrong.length} of ${answers.size} classes got their expected status`);
    for (const [what, a] of wrong) console.log(`  ${what}: ${a}`);

    const config: MeasureConfig = {
      bundle: bundle.file, model: model.file, plan, reps: Number(values.reps ?? 200), warmup: Number(values.warmup ?? 20),
      concurrency, mode: 'cpu', only: values.only ?? null, out: join(dir, 'rows.json'),
    };
    const stage = (c: MeasureConfig, flags: string[]) => {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
      execFileSync(process.execPath, [...flags, '--import', 'tsx', 'scripts/bench/edge.ts', '--measure', join(dir, 'config.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
      return JSON.parse(readFileSync(c.out, 'utf8')) as { rows: Row[]; logged: string[] };
    };
    console.log(`stage 2, a fresh process: ${config.warmup} warm-up + up to ${config.reps} measured requests per class\n`);
    const { rows, logged: workerLog } = stage(config, []);
    if (!values['no-memory']) {
      console.log(`\nstage 3, memory: another fresh process, with a young generation large enough that no request triggers a collection`);
      const memory = stage({ ...config, mode: 'memory' }, ['--expose-gc', ...MEMORY_FLAGS]).rows;
      rows.forEach((r, i) => Object.assign(r, { allocatedMiB: memory[i].allocatedMiB, heldMiB: memory[i].heldMiB }));
    }

    const mem = (m: number | null) => (m === null ? '—' : `${m.toFixed(1)} MiB`);
    console.log(`\n| route | request | body | status | CPU p50 ms | CPU p99 ms | main thread p99 ms | allocates | ${concurrency} at once hold |`);
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const status = r.status === String(r.expect) ? r.status : `${r.status} ⚠ expected ${r.expect}`;
      console.log(`| \`${r.route}\` | ${r.input} | ${r.bytes ? kib(r.bytes) : '—'} | ${status} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.threadP99)} | ${mem(r.allocatedMiB)} | ${mem(r.heldMiB)} |`);
    }
    console.log(`\nbundle ${kib(bundle.bytes)} (${kib(bundle.gzip)} gzipped); global-scope start-up CPU ${fmt(startup[2])} ms (median of 5 fresh processes)`);
    if (workerLog.length) console.log(`the Worker logged (first ${workerLog.length}):\n  ${workerLog.map((l) => l.split('\n')[0].slice(0, 200)).join('\n  ')}`);
    for (const c of cold) console.log(`cold start, ${c.what}: global scope ${fmt(c.global)} ms + first request ${fmt(c.first)} ms (then ${fmt(c.second)} ms; main thread, median of 5 fresh processes)`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ plan, bundle: { bytes: bundle.bytes, gzip: bundle.gzip }, startupMs: startup, cold, rows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

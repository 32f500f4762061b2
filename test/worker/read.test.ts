import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KiB, LIMITS, type Limits } from '../../shared/limits';
import { createApp } from '../../worker/index';
import { createModelLoader } from '../../worker/model-loader';
import { expectError, ORIGIN } from './helpers/http';
import { publish } from './helpers/models';
import { bytes, JPEGS } from './helpers/jpegs';
import defaultModel from '../../models/default.bin?inline';
import { decodeModel } from '../../shared/model/format';
import { encodePng } from './helpers/png';
import { predictorFor } from '../../shared/model/predict';
import { readInk } from '../../shared/model/read';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { LINE_READER_VERSION } from '../../shared/model/line-reader-file';
import { inkFromImage } from '../../worker/read';

// POST /read inside workerd: the answer's shape (digits left to right, boxes in the sent pixels),
// the three bodies, its own 422s in the one error shape, and random pictures never a 5xx. which digit
// the committed model answers matters little here; reading real digits right is test/unit/segment.test.ts's.

/** the free plan with sides up to 640 px: a 600×200 canvas (the limit another change raises) */
const WIDE: Limits = { ...LIMITS.free, imageSide: 640, imageDataBytes: 512 * KiB };
const app = createApp(createModelLoader({ log: () => {} }), WIDE);

async function post(body: BodyInit, type: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(ORIGIN + '/read', { method: 'POST', headers: { 'Content-Type': type }, body }, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function postForm(form: FormData): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(ORIGIN + '/read', { method: 'POST', body: form }, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

// the committed default model, not a random one: the line reader reads a group of touching digits
// when it fits much better than the cuts' reading, and a random network's readings fit nothing
const DEFAULT_MODEL = bytes(defaultModel);

beforeAll(async () => {
  await publish(env.MODELS, { bytes: DEFAULT_MODEL, version: (await decodeModel(DEFAULT_MODEL)).version });
});

/** a W×H picture, dark ink on white, with filled bars [left, top, width, height] */
function bars(W: number, H: number, rects: [number, number, number, number][]): Uint8Array {
  const gray = new Uint8Array(W * H).fill(255);
  for (const [l, t, w, h] of rects) for (let y = t; y < t + h; y++) for (let x = l; x < l + w; x++) gray[y * W + x] = 0;
  return gray;
}

/** a ring (a 0) centred at (cx, cy) */
function ring(gray: Uint8Array, W: number, cx: number, cy: number, rx: number, ry: number): void {
  for (let y = cy - ry - 4; y <= cy + ry + 4; y++)
    for (let x = cx - rx - 4; x <= cx + rx + 4; x++) {
      const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
      if (Math.abs(d - 1) < 0.18) gray[y * W + x] = 0;
    }
}

const SIX: [number, number, number, number][] = [0, 1, 2, 3, 4, 5].map((i) => [50 + i * 90, 50, 10, 100]);

describe('POST /read', () => {
  it('reads a 640×480 JPEG photo of a six-digit number, raw and as a form upload, boxes in the photo\'s pixels', async () => {
    // the MNIST test digits 3 0 5 2 1 8 (test/unit/segment.test.ts reads them without the Worker)
    const form = new FormData();
    form.append('image', new Blob([JPEGS.number640 as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'number.jpg');
    for (const res of [await post(JPEGS.number640 as BodyInit, 'image/jpeg'), await postForm(form)]) {
      expect(res.status).toBe(200);
      const body = await res.json<any>();
      expect(body.text).toBe('305218');
      for (const d of body.digits) {
        expect(d.box.x + d.box.width).toBeLessThanOrEqual(640);
        expect(d.box.y + d.box.height).toBeLessThanOrEqual(480);
        expect(d.box.height).toBeGreaterThan(40); // drawn 80 px tall: boxes are in the photo's pixels, not the reduced ones
      }
    }
  });

  it('reads a progressive 640×480 photo as its coarse decode (refinement scans left out, worker/read.ts READ_JPEG) reads it in-process', async () => {
    const res = await post(JPEGS.number640Progressive as BodyInit, 'image/jpeg');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    const predictor = predictorFor(await decodeModel(DEFAULT_MODEL));
    const input = await inkFromImage(JPEGS.number640Progressive, WIDE, 'jpeg');
    const expected = readInk(input.picture, { predictPacked: (p, B) => predictor.predictPacked(p, B), lineReader: await bundledLineReader(), lineColumns: WIDE.readLineColumns, decodeColumns: input.decodeColumns, linePhases: WIDE.readLinePhases });
    expect(body.text).toBe(expected.text);
    // the confidences differ from the exact decode's in the fourth decimal: equal ones mean the same decode
    expect(body.digits).toEqual(JSON.parse(JSON.stringify(expected.digits)));
    expect(body.digits).toHaveLength(6);
  });

  it('reads six marks on a 600×200 canvas PNG: six digits left to right, boxes in its pixels', async () => {
    const W = 600, H = 200;
    const gray = bars(W, H, SIX);
    const res = await post(await encodePng(W, H, gray), 'image/png');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(Object.keys(body).sort()).toEqual(['digits', 'model', 'reason', 'text', 'uncertain']);
    expect(body.text).toMatch(/^\d{6}$/);
    expect(body.digits.map((d: any) => d.digit).join('')).toBe(body.text);
    body.digits.forEach((d: any, i: number) => {
      expect(Object.keys(d).sort()).toEqual(['box', 'confidence', 'digit', 'reason', 'uncertain']);
      // the box holds its bar, to within the reduction (600 px read at 300)
      expect(Math.abs(d.box.x - SIX[i][0])).toBeLessThanOrEqual(2);
      expect(Math.abs(d.box.y - 50)).toBeLessThanOrEqual(2);
      expect(Math.abs(d.box.width - 10)).toBeLessThanOrEqual(4);
      expect(Math.abs(d.box.height - 100)).toBeLessThanOrEqual(4);
    });
    expect(body.model.version).toMatch(/^[0-9a-f]{16}$/);
    // and the line reader it bundles for digits that touch
    expect(body.model).toEqual({ version: body.model.version, lineReader: LINE_READER_VERSION });
  });

  it('takes the same picture as a multipart image and as JSON rows, and answers the same', async () => {
    const W = 300, H = 100;
    const gray = bars(W, H, [[30, 20, 6, 60], [120, 20, 6, 60], [200, 20, 6, 60]]);
    const png = await encodePng(W, H, gray);
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'n.png');
    const ctx = createExecutionContext();
    const formRes = await app.request(ORIGIN + '/read', { method: 'POST', body: form }, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(formRes.status).toBe(200);
    const viaForm = await formRes.json<any>();
    const rows = Array.from({ length: H }, (_, y) => Array.from(gray.subarray(y * W, (y + 1) * W), (v) => 255 - v));
    const jsonRes = await post(JSON.stringify({ pixels: rows }), 'application/json');
    expect(jsonRes.status).toBe(200);
    const viaJson = await jsonRes.json<any>();
    expect(viaJson.digits).toHaveLength(3);
    expect(viaForm.digits).toHaveLength(3);
    expect(viaJson.digits.map((d: any) => d.box)).toEqual(viaForm.digits.map((d: any) => d.box));
  });

  it('refuses a blank picture (no_digit), 13 digits (too_many_digits) and two lines (several_lines) with 422s', async () => {
    await expectError(await post(await encodePng(200, 100, new Uint8Array(200 * 100).fill(255)), 'image/png'), 422, 'no_digit');
    const thirteen = bars(640, 100, Array.from({ length: 13 }, (_, i) => [10 + i * 48, 20, 8, 60] as [number, number, number, number]));
    await expectError(await post(await encodePng(640, 100, thirteen), 'image/png'), 422, 'too_many_digits');
    const lines = bars(300, 300, [[40, 20, 8, 100], [140, 20, 8, 100], [40, 180, 8, 100], [140, 180, 8, 100]]);
    await expectError(await post(await encodePng(300, 300, lines), 'image/png'), 422, 'several_lines');
  });

  it('refuses ragged JSON rows and values out of range with 400 invalid_input naming the row', async () => {
    const msg = await expectError(await post(JSON.stringify({ pixels: [[0, 0, 0], [0, 0]] }), 'application/json'), 400, 'invalid_input');
    expect(msg).toMatch(/pixels\[1\]/);
    await expectError(await post(JSON.stringify({ pixels: [[0, 300]] }), 'application/json'), 400, 'invalid_input');
    await expectError(await post(JSON.stringify({ pixels: [1, 2, 3] }), 'application/json'), 400, 'invalid_input');
  });

  it('reads a touching pair of zeros as some number of digits, flagging a guessed cut as ambiguous_split or a digit as uncertain', async () => {
    const W = 200, H = 100;
    const gray = new Uint8Array(W * H).fill(255);
    ring(gray, W, 70, 50, 28, 38);
    ring(gray, W, 126, 50, 28, 38);
    const res = await post(await encodePng(W, H, gray), 'image/png');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.digits.length).toBe(body.text.length);
    if (body.uncertain) expect(['uncertain_digit', 'ambiguous_split']).toContain(body.reason);
    else expect(body.reason).toBeNull();
  });

  it('answers random pictures with a reading or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }),
        async (W, H, seed, density) => {
          let s = seed;
          const gray = Uint8Array.from({ length: W * H }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000 < density ? 0 : 255);
          const res = await post(await encodePng(W, H, gray), 'image/png');
          expect(res.status).toBeLessThan(500);
          const body = await res.json<any>();
          if (res.status === 200) expect(body.digits.length).toBe(body.text.length);
          else expect(Object.keys(body)).toEqual(['error']);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('/read in the API document', () => {
  it('documents its four bodies (JSON rows, PNG, JPEG, multipart), the ReadResponse and its 422s, and /docs shows it', async () => {
    const doc = await (await app.request(ORIGIN + '/openapi.json', {}, env)).json<any>();
    const op = doc.paths['/read'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'image/jpeg', 'image/png', 'multipart/form-data']);
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ReadResponse');
    expect(op.responses['422'].description).toMatch(/too_many_digits, several_lines/);
    expect(Object.keys(doc.components.schemas.ReadResponse.properties).sort()).toEqual(['digits', 'model', 'reason', 'text', 'uncertain']);
    const html = await (await app.request(ORIGIN + '/docs', {}, env)).text();
    expect(html).toContain('/read');
  });
});

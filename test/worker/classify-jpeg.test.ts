import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJpegReduced } from '../../shared/image/jpeg/jpeg';
import { PREPROCESS_SIDE, preprocessImage } from '../../shared/image/preprocess';
import { createPredictor } from '../../shared/model/predict';
import { JPEG_LIMITS } from '../../shared/limits';
import worker from '../../worker/index';
import { expectError, ORIGIN, postBytes } from './helpers/http';
import { BROKEN, DIGIT_PHOTO_PNG, JPEGS, manyScans } from './helpers/jpegs';
import { modelFile, publish, randomNetwork } from './helpers/models';

// JPEG uploads, raw and multipart, against a random (He-initialised) model: every pixel matters,
// so equal answers mean equal inputs.

const net = randomNetwork(42);
const reference = createPredictor(net);

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(net));
});

function multipart(file: Uint8Array, type: string, field = 'image'): { body: Uint8Array; contentType: string } {
  const boundary = '----mnist-jpeg-boundary';
  const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="digit.jpg"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + file.length + tail.length);
  body.set(head);
  body.set(file, head.length);
  body.set(tail, head.length + file.length);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /classify with a JPEG', () => {
  it('decodes an image/jpeg body with shared/image/jpeg and preprocesses it', async () => {
    const res = await postBytes('/classify?return_input=true', JPEGS.digitPhoto, 'image/jpeg');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    const input = preprocessImage(decodeJpegReduced(JPEGS.digitPhoto, PREPROCESS_SIDE));
    expect(body.preprocessed).toEqual(Array.from(input));
    expect(body.probabilities).toEqual(reference.predict([input])[0].probabilities);
  });

  it('answers a multipart/form-data upload of a JPEG exactly like the raw JPEG', async () => {
    const raw = await (await postBytes('/classify', JPEGS.digitPhoto, 'image/jpeg')).json<any>();
    for (const type of ['image/jpeg', 'application/octet-stream']) {
      const { body, contentType } = multipart(JPEGS.digitPhoto, type);
      const res = await postBytes('/classify', body, contentType);
      expect(res.status, type).toBe(200);
      expect(await res.json<any>()).toEqual(raw);
    }
  });

  it("gives a digit photo's JPEG the answer of its PNG (libjpeg-turbo's pixels)", async () => {
    const fromPng = await (await postBytes('/classify?return_input=true', DIGIT_PHOTO_PNG, 'image/png')).json<any>();
    const fromJpeg = await (await postBytes('/classify?return_input=true', JPEGS.digitPhoto, 'image/jpeg')).json<any>();
    expect(fromJpeg.digit).toBe(fromPng.digit);
    // the same 28×28 within a level or two: djpeg rounds its RGB to integers, the decoder here keeps floats
    const worst = Math.max(...fromJpeg.preprocessed.map((v: number, i: number) => Math.abs(v - fromPng.preprocessed[i])));
    expect(worst).toBeLessThan(3);
    for (let k = 0; k < 10; k++) expect(Math.abs(fromJpeg.probabilities[k] - fromPng.probabilities[k])).toBeLessThan(0.02);
  });

  it('turns a photo upright by its EXIF orientation: stored turned, it answers as the upright photo', async () => {
    const upright = await (await postBytes('/classify?return_input=true', JPEGS.digitPhoto, 'image/jpeg')).json<any>();
    const turned = await (await postBytes('/classify?return_input=true', JPEGS.upright6, 'image/jpeg')).json<any>();
    // the same pixels, box-averaged before turning rather than after: equal but for float rounding
    expect(turned.digit).toBe(upright.digit);
    turned.preprocessed.forEach((v: number, i: number) => expect(Math.abs(v - upright.preprocessed[i]), `pixel ${i}`).toBeLessThan(1e-3));
    const unturned = await (await postBytes('/classify?return_input=true', JPEGS.exif6, 'image/jpeg')).json<any>();
    const plain = await (await postBytes('/classify?return_input=true', JPEGS.digitPhoto, 'image/jpeg')).json<any>();
    expect(unturned.preprocessed).not.toEqual(plain.preprocessed);
  });

  it('classifies 640×480 photos, baseline and progressive, on the free plan', async () => {
    for (const photo of [JPEGS.photo640, JPEGS.photo640Progressive]) {
      const res = await postBytes('/classify', photo, 'image/jpeg');
      expect(res.status).toBe(200);
    }
  });

  it('decodes a JPEG mislabelled as image/png (the bytes decide)', async () => {
    expect((await postBytes('/classify', JPEGS.digitPhoto, 'image/png')).status).toBe(200);
  });

  it('answers 415 not_jpeg for other bytes labelled image/jpeg, and not_an_image in a form', async () => {
    const gif = new TextEncoder().encode('GIF89a not a jpeg at all');
    await expectError(await postBytes('/classify', gif, 'image/jpeg'), 415, 'not_jpeg');
    const { body, contentType } = multipart(gif, 'image/gif');
    await expectError(await postBytes('/classify', body, contentType), 415, 'not_an_image');
  });

  it('refuses ?preprocess=false for a JPEG that is not 28×28 with 422, from its header', async () => {
    expect(await expectError(await postBytes('/classify?preprocess=false', JPEGS.digitPhoto, 'image/jpeg'), 422, 'unusable_image')).toMatch(/got 240×240/);
  });

  for (const [name, { bytes, status, code }] of Object.entries(BROKEN)) {
    it(`answers ${status} ${code} for the corpus's ${name}.jpg, raw and in a form`, async () => {
      await expectError(await postBytes('/classify', bytes, 'image/jpeg'), status, code);
      const { body, contentType } = multipart(bytes, 'image/jpeg');
      await expectError(await postBytes('/classify', body, contentType), status, code);
    });
  }

  it('answers 413 for x-many-scans (500 scans, 1.2 MB) on the free plan, before reading past the limit', async () => {
    const bomb = manyScans();
    expect(await expectError(await postBytes('/classify', bomb, 'image/jpeg'), 413, 'body_too_large')).toMatch(new RegExp(`at most ${JPEG_LIMITS.free.jpegBytes} bytes`));
    // cut to the limit: refused as broken, not decoded 500 times
    await expectError(await postBytes('/classify', bomb.subarray(0, JPEG_LIMITS.free.jpegBytes), 'image/jpeg'), 400, 'bad_jpeg');
  });

  it('answers 413 image_too_large naming the limit and how to shrink for a 12-megapixel photo', async () => {
    const twelve = JPEGS.digitPhoto.slice();
    const sof = twelve.findIndex((b, i) => b === 0xff && twelve[i + 1] === 0xc0);
    twelve.set([3000 >> 8, 3000 & 255, 4000 >> 8, 4000 & 255], sof + 5);
    const message = await expectError(await postBytes('/classify', twelve, 'image/jpeg'), 413, 'image_too_large');
    expect(message).toMatch(new RegExp(`4000×3000 \\(12\\.0 megapixels\\) but the limit is ${JPEG_LIMITS.free.jpegPixels} pixels.*scale it down`));
  });
});

describe('JPEG limits per plan', () => {
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

  it('the paid plan takes a photo whose declared size the free plan refuses', async () => {
    const pixels = JPEG_LIMITS.free.jpegPixels + 1;
    expect(pixels).toBeLessThanOrEqual(JPEG_LIMITS.paid.jpegPixels);
    // the digit photo's own scans, with a frame header claiming 2000 px wide: over the free plan's pixels
    const wide = JPEGS.digitPhoto.slice();
    const sof = wide.findIndex((b, i) => b === 0xff && wide[i + 1] === 0xc0);
    const height = Math.ceil(pixels / 2000);
    wide.set([height >> 8, height & 255, 2000 >> 8, 2000 & 255], sof + 5);
    const post = (plan: string) => worker.fetch(new Request(`${ORIGIN}/classify`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: wide }), { ...env, WORKERS_PLAN: plan }, ctx);
    await expectError(await post('free'), 413, 'image_too_large');
    // past the header the paid plan decodes, and finds the scan data too short for 2000 px
    await expectError(await post('paid'), 400, 'bad_jpeg');
  });
});

describe('hostile JPEG bytes through the worker', () => {
  const seeds = [JPEGS.digitPhoto, JPEGS.progressiveGray];

  it('valid JPEGs with random bytes changed or cut never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        async (which, edits, cut, preprocess) => {
          const bytes = seeds[which].slice(0, cut === undefined ? undefined : cut % seeds[which].length);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const res = await postBytes(`/classify?preprocess=${preprocess}`, bytes, 'image/jpeg');
          const text = await res.text();
          expect(res.status, `seed ${which} cut ${cut} edits ${JSON.stringify(edits)}: ${text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400) expect(Object.keys(JSON.parse(text))).toEqual(['error']);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bytes after a start-of-image marker, raw or in a form, never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (tail, form) => {
        const bytes = new Uint8Array([0xff, 0xd8, 0xff, ...tail]);
        const { body, contentType } = form ? multipart(bytes, 'image/jpeg') : { body: bytes, contentType: 'image/jpeg' };
        const res = await postBytes('/classify', body, contentType);
        expect(res.status, `${tail.length} bytes`).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 150 },
    );
  });
});

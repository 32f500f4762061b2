import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/model/format';
import { decodePng, decodePngReduced } from '../../shared/image/png';
import { createPredictor } from '../../shared/model/predict';
import { PREPROCESS_SIDE, preprocessImage } from '../../shared/image/preprocess';
import { LIMITS } from '../../shared/limits';
import { createRng } from '../../shared/rng';
import { call, expectError, postBytes, postJson } from './helpers/http';
import { modelFile, publish, randomNetwork, type ModelFile } from './helpers/models';
import { encodePng, encodeRgbaPng } from './helpers/png';

// PNG uploads, raw and multipart, against a random (He-initialised) model: every pixel matters,
// so equal answers mean equal inputs.

const net = randomNetwork(42);
const reference = createPredictor(net);
let model: ModelFile;

beforeAll(async () => {
  model = await modelFile(net);
  await publish(env.MODELS, model);
});

/** a 28×28 MNIST-style image: a bright diagonal stroke on black */
function strokePixels(): number[] {
  const px = new Array(784).fill(0);
  for (let i = 4; i < 24; i++) px[i * 28 + i] = 255, (px[i * 28 + i + 1] = 180);
  return px;
}

/** a 120×90 photo-like picture: a dark "7" on white paper */
function paperSeven(): { width: number; height: number; gray: number[] } {
  const width = 120, height = 90;
  const gray = new Array(width * height).fill(235);
  for (let x = 30; x < 90; x++) for (let t = 0; t < 6; t++) gray[(15 + t) * width + x] = 20;
  for (let y = 15; y < 80; y++) for (let t = 0; t < 6; t++) gray[y * width + 84 - Math.floor((y - 15) / 2) + t] = 20;
  return { width, height, gray };
}

function multipart(png: Uint8Array, field = 'image'): { body: Uint8Array; contentType: string } {
  const boundary = '----mnist-test-boundary';
  const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="digit.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + png.length + tail.length);
  body.set(head);
  body.set(png, head.length);
  body.set(tail, head.length + png.length);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /classify with a PNG', () => {
  it('with ?preprocess=false classifies a 28×28 PNG exactly like the same pixels sent as JSON', async () => {
    const px = strokePixels();
    const png = await encodePng(28, 28, px);
    const fromPng = await (await postBytes('/classify?preprocess=false&return_input=true', png, 'image/png')).json<any>();
    const fromJson = await (await postJson('/classify', { pixels: px })).json<any>();
    expect(fromPng.preprocessed).toEqual(px);
    expect(fromPng.probabilities).toEqual(fromJson.probabilities);
    expect(fromPng.probabilities).toEqual(reference.predict([px])[0].probabilities);
    expect(fromPng.model).toEqual({ version: model.version });
  });

  it('treats transparent pixels as black background when not preprocessing', async () => {
    const px = strokePixels();
    const alpha = px.map((v, i) => (i % 2 === 0 ? 255 : 0));
    const png = await encodePng(28, 28, px, alpha);
    const body = await (await postBytes('/classify?preprocess=false&return_input=true', png, 'image/png')).json<any>();
    expect(body.preprocessed).toEqual(px.map((v, i) => (i % 2 === 0 ? v : 0)));
  });

  it('preprocesses by default: a dark digit on white paper goes through shared/png and shared/preprocess', async () => {
    const { width, height, gray } = paperSeven();
    const png = await encodePng(width, height, gray);
    const res = await postBytes('/classify?return_input=true', png, 'image/png');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    const expectedInput = preprocessImage(await decodePng(png));
    expect(body.preprocessed).toEqual(Array.from(expectedInput));
    expect(body.probabilities).toEqual(reference.predict([expectedInput])[0].probabilities);
    expect(body.digit).toBe(reference.predict([expectedInput])[0].digit);
  });

  /** a canvas export: dark anti-aliased strokes of a "7" (one per `digits`) on a transparent width×height canvas */
  function canvasSevens(width: number, height: number, digits: number): number[] {
    const rgba = new Array(width * height * 4).fill(0);
    const ink = (x: number, y: number, a: number) => {
      const i = (y * width + x) * 4;
      rgba[i] = 17, rgba[i + 1] = 17, rgba[i + 2] = 17, rgba[i + 3] = Math.max(rgba[i + 3], a);
    };
    const size = Math.round(height * 0.7), pen = Math.max(2, Math.round(height / 20));
    for (let k = 0; k < digits; k++) {
      const left = Math.round(((k + 0.5) * width) / digits - size / 2), top = Math.round((height - size) / 2);
      for (let x = left; x < left + size; x++) for (let t = 0; t < pen; t++) ink(x, top + t, 255); // the bar
      for (let y = top; y < top + size; y++) {
        const x = left + size - 1 - Math.round(((y - top) * size) / (2 * size)); // the stem, leaning
        for (let t = -1; t <= pen; t++) ink(x + t, y, t < 0 || t === pen ? 96 : 255); // soft edges, as canvases draw
      }
    }
    return rgba;
  }

  it.each([
    [280, 280, 'a drawing pad\'s canvas', 1],
    [600, 200, 'a number written on a wide pad', 3],
  ])('accepts a %i×%i RGBA canvas PNG (%s) on the free plan and reads it as drawn', async (width, height, _what, digits) => {
    const rgba = canvasSevens(width, height, digits);
    const png = await encodeRgbaPng(width, height, rgba);
    // decoded as drawn: alpha is the strokes' coverage, pixel for pixel (fast-png wrote the file, not us)
    const full = await decodePng(png);
    expect(Array.from(full.alpha!, (a) => Math.round(a * 255))).toEqual(Array.from({ length: width * height }, (_, i) => rgba[4 * i + 3]));
    expect(height * (1 + width * 4)).toBeLessThanOrEqual(LIMITS.free.imageDataBytes);
    const res = await postBytes('/classify?return_input=true', png, 'image/png');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    const expectedInput = preprocessImage(await decodePngReduced(png, PREPROCESS_SIDE));
    expect(expectedInput.some((v) => v > 128)).toBe(true); // the strokes were read as ink
    expect(body.preprocessed).toEqual(Array.from(expectedInput));
    expect(body.probabilities).toEqual(reference.predict([expectedInput])[0].probabilities);
  });

  it('answers a multipart/form-data upload exactly like the raw PNG', async () => {
    const { width, height, gray } = paperSeven();
    const png = await encodePng(width, height, gray);
    const raw = await (await postBytes('/classify', png, 'image/png')).json<any>();
    const { body, contentType } = multipart(png);
    const res = await postBytes('/classify', body, contentType);
    expect(res.status).toBe(200);
    expect(await res.json<any>()).toEqual(raw);
  });

  it('refuses ?preprocess=false for an image that is not 28×28 with 422', async () => {
    const png = await encodePng(30, 28, new Array(30 * 28).fill(0));
    expect(await expectError(await postBytes('/classify?preprocess=false', png, 'image/png'), 422, 'unusable_image')).toMatch(/28×28 .*got 30×28/);
  });

  it('answers 422 no_digit for a blank picture', async () => {
    const png = await encodePng(64, 64, new Array(64 * 64).fill(255));
    expect(await expectError(await postBytes('/classify', png, 'image/png'), 422, 'no_digit')).toMatch(/no digit/);
  });

  it('answers 400 bad_png for a corrupt PNG', async () => {
    const png = await encodePng(28, 28, strokePixels());
    png[40] ^= 0xff; // inside IHDR/IDAT: the CRC no longer matches
    await expectError(await postBytes('/classify', png, 'image/png'), 400, 'bad_png');
  });

  it('answers 415 not_png for other bytes labelled image/png', async () => {
    await expectError(await postBytes('/classify', new TextEncoder().encode('GIF89a not a png at all'), 'image/png'), 415, 'not_png');
  });

  it(`answers 413 image_too_large for a picture wider than the free plan's ${LIMITS.free.imageSide} px`, async () => {
    const side = LIMITS.free.imageSide + 1;
    const png = await encodePng(side, 1, new Array(side).fill(0));
    expect(await expectError(await postBytes('/classify', png, 'image/png'), 413, 'image_too_large')).toMatch(new RegExp(`limit is ${LIMITS.free.imageSide}x${LIMITS.free.imageSide}`));
  });

  it('answers 413 image_too_large, before inflating, for more pixel data than the free plan decodes', async () => {
    // 8-bit gray+alpha: 2 bytes a pixel, so this square is just over the limit though its sides are not
    const side = Math.ceil(Math.sqrt(LIMITS.free.imageDataBytes / 2)) + 1;
    const png = await encodePng(side, side, new Array(side * side).fill(0), new Array(side * side).fill(255));
    const message = await expectError(await postBytes('/classify', png, 'image/png'), 413, 'image_too_large');
    expect(message).toMatch(new RegExp(`${side}x${side} pixels of 8-bit grayscale\\+alpha, .* KiB of pixel data, but the limit is ${LIMITS.free.imageDataBytes / 1024} KiB`));
  });

  it('answers 400 when the multipart body has no image field', async () => {
    const png = await encodePng(28, 28, strokePixels());
    const { body, contentType } = multipart(png, 'picture');
    expect(await expectError(await postBytes('/classify', body, contentType), 400, 'invalid_input')).toBe('image is required');
  });

  it('answers 400 invalid_multipart for a malformed multipart body', async () => {
    await expectError(await postBytes('/classify', new TextEncoder().encode('no boundary anywhere'), 'multipart/form-data; boundary=abc'), 400, 'invalid_multipart');
  });

  it('answers 400 for a preprocess query that is not true or false', async () => {
    const png = await encodePng(28, 28, strokePixels());
    expect(await expectError(await postBytes('/classify?preprocess=maybe', png, 'image/png'), 400, 'invalid_input')).toMatch(/^preprocess must be true or false/);
  });

  it('GET /model/weights answers a file that decodes to the network being served', async () => {
    const decoded = await decodeModel(new Uint8Array(await (await call('/model/weights')).arrayBuffer()));
    expect(decoded.version).toBe(model.version);
    expect(Array.from(decoded.network.params)).toEqual(Array.from(net.params));
  });
});

// a full free-plan batch as densely inked as its ink budget allows, against the random model (16 hidden
// units: the batched kernel's 4 × 4 blocks run): the costliest batch the plan accepts
describe('the free plan\'s largest batch', () => {
  const MAX = LIMITS.free.batchImages;
  const SPARSE = 8; // inked pixels of each image after the dense ones (at most twice that once deskewed)
  const DENSE = Math.floor((LIMITS.free.batchInkedInputs - 2 * SPARSE * MAX) / 784);
  const rng = createRng(9);
  const sparse = () => {
    const img = new Array(784).fill(0);
    for (let k = 0; k < SPARSE; k++) img[rng.int(784)] = 1 + rng.int(255);
    return img;
  };
  const images = Array.from({ length: MAX }, (_, i) => (i < DENSE ? Array.from({ length: 784 }, () => 1 + rng.int(255)) : sparse()));

  it(`takes ${MAX} images, as many fully inked as the ink budget holds, as JSON (as Python writes it) and as bytes, each answered as it is alone`, async () => {
    expect(DENSE).toBeGreaterThanOrEqual(32);
    const json = JSON.stringify({ images }).replaceAll(',', ', ');
    const fromJson = await call('/classify/batch', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json });
    expect(fromJson.status).toBe(200);
    const { results } = await fromJson.json<any>();
    const fromBytes = await postBytes('/classify/batch', Uint8Array.from(images.flat()), 'application/octet-stream');
    expect(fromBytes.status).toBe(200);
    expect((await fromBytes.json<any>()).results).toEqual(results);
    expect(results).toHaveLength(MAX);
    for (let i = 0; i < MAX; i++) {
      const alone = reference.predict([images[i]])[0];
      expect(results[i].digit).toBe(alone.digit);
      results[i].probabilities.forEach((p: number, k: number) => expect(p).toBeCloseTo(alone.probabilities[k], 6));
    }
  });

  it(`refuses ${MAX + 1} with the limit named: 400 as JSON, 413 as bytes`, async () => {
    const more = [...images, images[0]];
    expect(await expectError(await postJson('/classify/batch', { images: more }), 400, 'invalid_input')).toBe(`images must have 1..${MAX} images, got ${MAX + 1}`);
    const res = await postBytes('/classify/batch', Uint8Array.from(more.flat()), 'application/octet-stream');
    expect(await expectError(res, 413, 'body_too_large')).toMatch(new RegExp(`at most ${MAX * 784} bytes`));
  });
});

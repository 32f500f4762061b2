import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/model/format';
import { decodePng } from '../../shared/image/png';
import { createPredictor } from '../../shared/model/predict';
import { preprocessImage } from '../../shared/image/preprocess';
import { LIMITS } from '../../shared/limits';
import { call, expectError, postBytes, postJson } from './helpers/http';
import { modelFile, publish, randomNetwork, type ModelFile } from './helpers/models';
import { encodePng } from './helpers/png';

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

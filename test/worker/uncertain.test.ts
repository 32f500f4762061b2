import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D, K } from '../../shared/dims';
import { encodeModel, versionOf } from '../../shared/model/format';
import { PLAIN_INPUT } from '../../shared/model/input';
import { createNetwork, type Network } from '../../shared/model/network';
import type { UncertaintyProbe } from '../../shared/model/uncertainty';
import { sha256Hex } from '../../shared/checksum';
import { call, postBytes, postJson } from './helpers/http';
import { METADATA, publish } from './helpers/models';
import { encodePng } from './helpers/png';

// the uncertain flag in the API contract, against a model whose answers are known in closed form:
// hidden unit 0 is the ink in a centre stripe (columns 12..15, rows 4..23), hidden unit 1 the ink
// everywhere else; digit 1's logit is 20 × unit 0, every other logit 0. so a vertical bar is a
// sure 1, and so is a T (its stem fills the stripe). the model file's probe scores 10 × unit 1:
// ink outside the stripe is "not like a digit" to it, so the T is flagged and the bar is not.

const S = 28;
const TEMPERATURE = 2;

function stripeNetwork(): Network {
  const net = createNetwork([D, K, K]);
  const [hidden, out] = net.layers;
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const inStripe = x >= 12 && x <= 15 && y >= 4 && y <= 23;
      hidden.weight[(y * S + x) * K + (inStripe ? 0 : 1)] = inStripe ? 1 / 80 : 1 / 100;
    }
  out.weight[0 * K + 1] = 20; // unit 0 → digit 1
  return net;
}

const PROBE: UncertaintyProbe = {
  version: 1, weights: [0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], bias: 0, threshold: 1,
  fittedOn: 'set by hand for this test', heldOutFlagged: 0.02,
};

/** an image with full ink in the given rectangles [left, top, width, height] */
function ink(...rects: [number, number, number, number][]): number[] {
  const img = new Array(D).fill(0);
  for (const [l, t, w, h] of rects) for (let y = t; y < t + h; y++) for (let x = l; x < l + w; x++) img[y * S + x] = 255;
  return img;
}

const BAR = ink([13, 4, 3, 20]); // a 1 as people draw it
const T = ink([13, 4, 3, 20], [5, 4, 18, 3]); // a letter: the stem of the 1 under a bar across
const TWO_BARS = ink([5, 4, 3, 20], [20, 4, 3, 20]); // 1 1: two marks side by side
const ALL_INK = new Array(D).fill(255);

let version: string;

beforeAll(async () => {
  const bytes = await encodeModel(stripeNetwork(), METADATA, 'float32', PLAIN_INPUT, {
    calibration: { version: 1, method: 'temperature', temperature: TEMPERATURE, fittedOn: 'set by hand', heldOut: 0, nllBefore: 0, nllAfter: 0, eceBefore: 0, eceAfter: 0 },
    uncertainty: PROBE,
  });
  version = versionOf(await sha256Hex(bytes.subarray(52)));
  await publish(env.MODELS, { bytes, version });
});

const classify = async (pixels: number[]) => (await postJson('/classify', { pixels })).json<any>();

describe('the uncertain flag', () => {
  it('is false, with no reason, for a clean digit the model is sure of', async () => {
    const body = await classify(BAR);
    expect(body).toMatchObject({ digit: 1, uncertain: false, reason: null, model: { version } });
    // the model file's temperature: softmax(logits / 2), logit 20 × 0.75 for the bar
    const sure = Math.exp(15 / TEMPERATURE) / (Math.exp(15 / TEMPERATURE) + 9);
    expect(Math.abs(body.confidence - sure)).toBeLessThan(1e-6);
  });

  it('is true for a letter-like input the model file\'s probe calls unlike a digit, though the answer is sure', async () => {
    const body = await classify(T);
    expect(body.digit).toBe(1);
    expect(body.confidence).toBeGreaterThan(0.99);
    expect(body).toMatchObject({ uncertain: true, reason: 'not_digit_like' });
  });

  it('is true for an all-ink image and for two marks side by side', async () => {
    expect(await classify(ALL_INK)).toMatchObject({ uncertain: true, reason: 'not_digit_like' });
    expect(await classify(TWO_BARS)).toMatchObject({ uncertain: true, reason: 'several_parts' });
  });

  it('is on every answer: JSON (flat and 28×28, preprocessed or not), PNG, multipart, and each result of both batch bodies', async () => {
    const grid = Array.from({ length: S }, (_, y) => T.slice(y * S, (y + 1) * S));
    const png = await encodePng(S, S, T);
    const boundary = 'b0undary';
    const multipart = new Uint8Array([
      ...new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="t.png"\r\nContent-Type: image/png\r\n\r\n`),
      ...png,
      ...new TextEncoder().encode(`\r\n--${boundary}--\r\n`),
    ]);
    const answers = [
      await classify(T),
      await (await postJson('/classify', { pixels: grid })).json<any>(),
      await (await postJson('/classify', { pixels: T, preprocess: true })).json<any>(),
      await (await postBytes('/classify?preprocess=false', png, 'image/png')).json<any>(),
      await (await postBytes('/classify', png, 'image/png')).json<any>(),
      await (await postBytes('/classify', multipart, `multipart/form-data; boundary=${boundary}`)).json<any>(),
    ];
    for (const [i, a] of answers.entries()) expect(a, `answer ${i}`).toMatchObject({ uncertain: true, reason: 'not_digit_like' });

    const images = [BAR, T, TWO_BARS];
    const json = await (await postJson('/classify/batch', { images })).json<any>();
    const bytes = await (await postBytes('/classify/batch', Uint8Array.from(images.flat()), 'application/octet-stream')).json<any>();
    for (const body of [json, bytes]) {
      expect(body.results.map((r: any) => [r.uncertain, r.reason])).toEqual([[false, null], [true, 'not_digit_like'], [true, 'several_parts']]);
    }
  });

  it('is documented in /openapi.json: a boolean and a nullable reason on every prediction', async () => {
    const doc = await (await call('/openapi.json')).json<any>();
    const prediction = doc.components.schemas.Prediction;
    expect(prediction.required).toEqual(expect.arrayContaining(['uncertain', 'reason']));
    expect(prediction.properties.uncertain.type).toBe('boolean');
    expect(prediction.properties.uncertain.description).toMatch(/should not be trusted/);
    const reason = prediction.properties.reason;
    expect(JSON.stringify(reason)).toContain('several_parts');
    expect(JSON.stringify(reason)).toContain('not_digit_like');
    expect(JSON.stringify(reason)).toContain('low_confidence');
    expect(JSON.stringify(reason)).toContain('null');
    // the batch results are the same Prediction
    expect(JSON.stringify(doc.components.schemas.BatchResponse)).toContain('#/components/schemas/Prediction');
  });
});

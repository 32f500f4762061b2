import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { LIMITS } from '../../shared/limits';
import { expectError, postBytes, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// a batch's JSON is read two ways (worker/batch-json.ts): straight from the bytes when it has the shape
// clients write, through JSON.parse and the zod schema otherwise. a client cannot tell which one ran.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const images = [dotImage(7), dotImage(3, 200), dotImage(1, 90)];
const rows = (flat: number[]) => Array.from({ length: 28 }, (_, y) => flat.slice(y * 28, y * 28 + 28));
const asBytes = () => {
  const bytes = new Uint8Array(images.length * D);
  images.forEach((image, i) => bytes.set(image, i * D));
  return bytes;
};

describe('POST /classify/batch with JSON written any way JSON allows', () => {
  it('answers as for the same pixels sent as bytes, whichever way the JSON is read', async () => {
    const expected = await (await postBytes('/classify/batch', asBytes(), 'application/octet-stream')).json();
    const plain = JSON.stringify({ images });
    const bodies = {
      'JSON.stringify': plain,
      "Python's json.dumps": plain.replaceAll(',', ', ').replaceAll(':', ': '),
      'pretty-printed, preprocess false first': JSON.stringify({ preprocess: false, images: [images[0], rows(images[1]), images[2]] }, null, 2),
      'numbers as 7.0, 7e0 and -0': plain.replaceAll(/\b255\b/g, '255.0').replaceAll(/\b200\b/g, '2e2').replace(/\b0\b/, '-0'),
      'after a UTF-8 BOM': '\ufeff' + plain,
      // outside the bytes reader's shape: JSON.parse and the schema read these
      'an escaped key': plain.replace('"images"', '"\\u0069mages"'),
      'a number with 17 digits': plain.replace(/\b0\b/, '0.0000000000000000'),
    };
    for (const [what, body] of Object.entries(bodies)) {
      const res = await postJson('/classify/batch', body);
      expect(res.status, what).toBe(200);
      expect(await res.json(), what).toEqual(expected);
    }
  });

  it(`takes at most ${LIMITS.free.batchParsedImages} images in JSON it must parse (escaped or repeated keys), and says how to send ${LIMITS.free.batchImages}`, async () => {
    const { batchImages, batchParsedImages } = LIMITS.free;
    const many = (n: number) => JSON.stringify({ images: Array.from({ length: n }, (_, i) => dotImage(i % 10)) });
    expect((await postJson('/classify/batch', many(batchImages))).status).toBe(200);
    expect((await postJson('/classify/batch', many(batchParsedImages).replace('"images"', '"\\u0069mages"'))).status).toBe(200);
    const message = await expectError(await postJson('/classify/batch', many(batchParsedImages + 1).replace('"images"', '"\\u0069mages"')), 400, 'invalid_input');
    expect(message).toBe(
      `images: ${batchParsedImages + 1} images need the JSON written plainly, each key once and unescaped (as JSON.stringify and json.dumps write it); written otherwise, a batch may have at most ${batchParsedImages}`,
    );
  });

  it('words the errors of bodies near the shape as the validator always has', async () => {
    const plain = JSON.stringify({ images });
    expect(await expectError(await postJson('/classify/batch', plain.replace('}', ',"preprocess":null}')), 400, 'invalid_input')).toBe('preprocess must be true or false (got null)');
    expect(await expectError(await postJson('/classify/batch', plain.replace('[[0,', '[[1e400,')), 400, 'invalid_input')).toBe('images[0][0] is Infinity, not a finite number');
    expect(await expectError(await postJson('/classify/batch', plain.replace('}', ',"images":[]}')), 400, 'invalid_input')).toMatch(/^images must have 1\.\.\d+ images, got 0$/);
    await expectError(await postJson('/classify/batch', plain.replace(']]', ']')), 400, 'invalid_json');
  });
});

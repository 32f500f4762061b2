import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { freshWorker, postJsonTo } from './helpers/fresh-worker';
import { dotImage, expectedProbabilities, handNetwork, METADATA, modelFile, publish } from './helpers/models';

// an int8 model file served by the worker, against the hand-set network's closed-form answer. its
// hidden layers are 11, 15 and 13 wide: 165, 195 and 130 int8 weights, none a multiple of 4, so
// the file pads each layer (by 3, 1 and 2 bytes) and reads the next one from after the padding.

const SHIFT = 3;
const HIDDEN = [11, 15, 13];

describe('an int8 model in KV', () => {
  it('is served with its dtype, sizes and bytes as uploaded', async () => {
    const file = await modelFile(handNetwork(SHIFT, HIDDEN), METADATA, 'int8');
    await publish(env.MODELS, file);
    const worker = freshWorker();
    const info = await (await worker('/model')).json<any>();
    expect(info).toMatchObject({ version: file.version, dtype: 'int8', architecture: { sizes: [784, 11, 15, 13, 10] }, bytes: file.bytes.length });
    const weights = new Uint8Array(await (await worker('/model/weights')).arrayBuffer());
    expect(weights).toEqual(file.bytes);
  });

  it('answers the closed-form probabilities of the hand-set network', async () => {
    const file = await modelFile(handNetwork(SHIFT, HIDDEN), METADATA, 'int8');
    await publish(env.MODELS, file);
    const worker = freshWorker();
    for (const [pixel, value] of [[0, 255], [4, 128], [9, 30], [6, 1]]) {
      const res = await postJsonTo(worker, '/classify', { pixels: dotImage(pixel, value) });
      expect(res.status).toBe(200);
      const body = await res.json<any>();
      expect(body.model).toEqual({ version: file.version });
      expect(body.digit).toBe((pixel + SHIFT) % 10);
      const expected = expectedProbabilities(pixel, value, SHIFT);
      const bad = body.probabilities.findIndex((p: number, k: number) => !(Math.abs(p - expected[k]) <= 1e-6));
      expect(bad, `pixel ${pixel} value ${value}: digit ${bad} has ${body.probabilities[bad]}, closed form ${expected[bad]}`).toBe(-1);
    }
  });
});

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/checksum';
import { D, IMAGE_SIDE, K } from '../../shared/dims';
import { encodeModel, versionOf } from '../../shared/model/format';
import { PLAIN_INPUT, type InputSpec } from '../../shared/model/input';
import { createNetwork, type Network } from '../../shared/model/network';
import { createPredictor } from '../../shared/model/predict';
import { freshWorker, postJsonTo, type Fetch } from './helpers/fresh-worker';
import { METADATA, publish } from './helpers/models';

// a model file that says deskew: true, served by the worker: a slanted digit must reach the network
// straightened, exactly as the trainer fed it. the network tells the two readings apart: hidden unit
// 0 sums the ink of the middle columns (where an upright stroke lies) and votes 1, hidden unit 1 sums
// the ink of the top-right and bottom-left corners (where a stroke leaning right lies) and votes 7.

const DESKEW: InputSpec = { scale: 1 / 255, deskew: true };

function uprightOrLeaning(): Network {
  const net = createNetwork([D, 2, K]);
  const [hidden, out] = net.layers;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const i = y * IMAGE_SIDE + x;
      if (x >= 13 && x <= 15) hidden.weight[i * 2 + 0] = 1;
      if ((y <= 10 && x >= 17) || (y >= 17 && x <= 11)) hidden.weight[i * 2 + 1] = 1;
    }
  }
  out.weight[0 * K + 1] = 0.2;
  out.weight[1 * K + 7] = 0.2;
  return net;
}

/** a 3 px stroke from (20, 4) down to (8, 23): a 1 leaning right, its ink 255 */
function leaningOne(): number[] {
  const img = new Array<number>(D).fill(0);
  for (let y = 4; y <= 23; y++) {
    const cx = 20 - (12 * (y - 4)) / 19;
    for (let x = 0; x < IMAGE_SIDE; x++) if (Math.abs(x - cx) <= 1) img[y * IMAGE_SIDE + x] = 255;
  }
  return img;
}

async function serve(input: InputSpec): Promise<{ worker: Fetch; version: string }> {
  const bytes = await encodeModel(uprightOrLeaning(), METADATA, 'float32', input);
  const version = versionOf(await sha256Hex(bytes.subarray(52)));
  await publish(env.MODELS, { bytes, version });
  return { worker: freshWorker(), version };
}

describe('a model file that asks for deskewed inputs', () => {
  const slanted = leaningOne();
  // what the model answers outside the worker, on the same pixels: the predictor with the file's input spec
  const expected = createPredictor(uprightOrLeaning(), DESKEW).predict([slanted])[0];

  it('is described as deskewing by GET /model', async () => {
    const { worker, version } = await serve(DESKEW);
    expect(await (await worker('/model')).json()).toMatchObject({ version, architecture: { inputScale: 1 / 255, deskew: true } });
  });

  it('answers a slanted digit as the straightened one, the same as outside the worker, for one image and a batch', async () => {
    const { worker } = await serve(DESKEW);
    expect(expected.digit).toBe(1); // straightened, the stroke lies in the middle columns
    const res = await postJsonTo(worker, '/classify', { pixels: slanted });
    expect(res.status).toBe(200);
    const one = await res.json<any>();
    expect(one.digit).toBe(1);
    expect(one.probabilities).toEqual(expected.probabilities);
    const batch = await worker('/classify/batch', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Uint8Array.from([...new Array(D).fill(0).fill(255, 400, 402), ...slanted]) });
    expect(batch.status).toBe(200);
    const { results } = await batch.json<any>();
    expect(results[1].probabilities).toEqual(expected.probabilities);
  });

  it('while the same network in a file without deskew reads the slant as it is', async () => {
    const { worker } = await serve(PLAIN_INPUT);
    const body = await (await postJsonTo(worker, '/classify', { pixels: slanted })).json<any>();
    expect(body.digit).toBe(7);
    expect(body.probabilities).toEqual(createPredictor(uprightOrLeaning(), PLAIN_INPUT).predict([slanted])[0].probabilities);
  });
});

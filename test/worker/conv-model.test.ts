import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { convSizes, createNetwork, initHe, type ConvSpec, type LayerKind, type Network } from '../../shared/model/network';
import { createPredictor } from '../../shared/model/predict';
import { createRng } from '../../shared/rng';
import { freshWorker, postJsonTo } from './helpers/fresh-worker';
import { modelFile, publish } from './helpers/models';

// a model file with convolutions (architecture.layers), served by the worker: the conv kernels run in
// workerd as they do in Node, so the worker answers exactly what the predictor answers outside it.

const CONVS: ConvSpec[] = [{ kind: 'conv', channels: 16, kernel: 3, stride: 2, pad: 0 }, { kind: 'conv', channels: 32, kernel: 3, stride: 2, pad: 0 }];

function convNetwork(): Network {
  const kinds: LayerKind[] = [...CONVS, 'dense'];
  const net = createNetwork([...convSizes(28, CONVS), 10], undefined, kinds);
  initHe(net, createRng(5));
  return net;
}

describe('a model file with convolution layers', () => {
  const image = Array.from({ length: D }, (_, i) => ((i * 37) % 11 === 0 ? 255 : 0));
  const expected = createPredictor(convNetwork()).predict([image])[0];

  it('is loaded by the worker (GET /model names it) and answers as the predictor does outside the worker', async () => {
    const file = await modelFile(convNetwork());
    await publish(env.MODELS, file);
    const worker = freshWorker();
    const info = await (await worker('/model')).json<any>();
    expect(info.version).toBe(file.version);
    const res = await postJsonTo(worker, '/classify', { pixels: image, preprocess: false });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.digit).toBe(expected.digit);
    expect(body.probabilities).toEqual(expected.probabilities);
  });
});

import { describe, expect, inject, it } from 'vitest';
import { D } from '../../shared/dims';
import { loadMnist } from '../../scripts/lib/mnist';
import { LIMITS } from '../../shared/limits';

// the figure a model file reports must hold when the 10,000 test images go through the running Worker:
// for the float32 file and for its int8 copy, each served by its own wrangler dev (global-setup.ts).

const test = loadMnist().test;

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe.each([
  ['float32', () => inject('worker')],
  ['int8', () => inject('workerInt8')],
])('the served %s model', (dtype, workerUrl) => {
  it('classifies the 10,000 MNIST test images through the Worker with exactly the accuracy its file reports', async () => {
    const worker = workerUrl();
    const model = (await (await fetch(`${worker}/model`)).json()) as { version: string; dtype: string; testAccuracy: number };
    expect(model.dtype).toBe(dtype);
    let correct = 0;
    // wrangler dev serves the free plan's limits (WORKERS_PLAN in wrangler.toml)
    const size = LIMITS.free.batchImages;
    for (let start = 0; start < test.count; start += size) {
      const n = Math.min(size, test.count - start);
      const images = Array.from({ length: n }, (_, i) => Array.from(test.images.subarray((start + i) * D, (start + i + 1) * D)));
      const res = await postJson(`${worker}/classify/batch`, { images });
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as { results: { digit: number }[]; model: { version: string } };
      expect(body.model.version).toBe(model.version);
      body.results.forEach((r, i) => {
        if (r.digit === test.labels[start + i]) correct++;
      });
    }
    expect(correct / test.count).toBe(model.testAccuracy);
    expect(model.testAccuracy).toBeGreaterThan(0.95);
  });

  it('answers single /classify requests with the same digits as the batch route', async () => {
    const worker = workerUrl();
    for (let i = 0; i < 20; i++) {
      const pixels = Array.from(test.images.subarray(i * D, (i + 1) * D));
      const one = (await (await postJson(`${worker}/classify`, { pixels })).json()) as { digit: number; probabilities: number[] };
      const batch = (await (await postJson(`${worker}/classify/batch`, { images: [pixels] })).json()) as { results: { digit: number; probabilities: number[] }[] };
      expect(one.digit).toBe(batch.results[0].digit);
      expect(one.probabilities).toEqual(batch.results[0].probabilities);
    }
  });
});

describe('the int8 file', () => {
  it('is the quantized copy of the served float32 model, about a quarter of its size', async () => {
    const info = async (url: string) => (await (await fetch(`${url}/model`)).json()) as { version: string; bytes: number; training: unknown };
    const [float32, int8] = await Promise.all([info(inject('worker')), info(inject('workerInt8'))]);
    expect(int8.version).not.toBe(float32.version);
    expect(int8.training).toEqual(float32.training);
    expect(int8.bytes / float32.bytes).toBeLessThan(0.3);
  });
});

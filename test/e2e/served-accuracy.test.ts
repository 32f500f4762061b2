import { describe, expect, inject, it } from 'vitest';
import { D } from '../../shared/dims';
import { loadMnist } from '../../scripts/lib/mnist';
import { LIMITS } from '../../worker/limits';

// the figure a model file reports must hold when the 10,000 test images go through the running Worker.

describe('the served model', () => {
  it('classifies the 10,000 MNIST test images through the Worker with exactly the accuracy its file reports', async () => {
    const worker = inject('worker');
    const model = (await (await fetch(`${worker}/model`)).json()) as { version: string; testAccuracy: number };
    const test = loadMnist().test;
    let correct = 0;
    // wrangler dev serves the free plan's limits (WORKERS_PLAN in wrangler.toml)
    const size = LIMITS.free.batchImages;
    for (let start = 0; start < test.count; start += size) {
      const n = Math.min(size, test.count - start);
      const images = Array.from({ length: n }, (_, i) => Array.from(test.images.subarray((start + i) * D, (start + i + 1) * D)));
      const res = await fetch(`${worker}/classify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ images }) });
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
    const worker = inject('worker');
    const test = loadMnist().test;
    for (let i = 0; i < 20; i++) {
      const pixels = Array.from(test.images.subarray(i * D, (i + 1) * D));
      const one = (await (await fetch(`${worker}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels }) })).json()) as { digit: number; probabilities: number[] };
      const batch = (await (await fetch(`${worker}/classify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ images: [pixels] }) })).json()) as { results: { digit: number; probabilities: number[] }[] };
      expect(one.digit).toBe(batch.results[0].digit);
      expect(one.probabilities).toEqual(batch.results[0].probabilities);
    }
  });
});

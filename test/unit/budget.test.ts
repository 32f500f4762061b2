import { describe, expect, it } from 'vitest';
import { budgetProblems, forwardMultiplyAdds, MODEL_BUDGET, unitsPerImage } from '../../shared/model/budget';
import { encodeModel, type ModelMetadata } from '../../shared/model/format';
import { createNetwork } from '../../shared/model/network';

// the limits a model must keep to be served by a Worker (the same file for upload and the Worker).

const METADATA: ModelMetadata = { createdAt: '2026-11-01T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: {} };

/** the problems of a real file of these sizes */
async function problemsOf(sizes: number[], dtype: 'float32' | 'int8' = 'float32'): Promise<string[]> {
  const file = await encodeModel(createNetwork(sizes), METADATA, dtype);
  return budgetProblems(file.length, sizes);
}

describe('the model budget', () => {
  it('counts multiply-adds and units per image', () => {
    expect(forwardMultiplyAdds([784, 128, 10])).toBe(784 * 128 + 128 * 10);
    expect(unitsPerImage([784, 128, 10])).toBe(138);
  });

  it('fits the default model and the README\'s wider one, float32 and int8', async () => {
    for (const sizes of [[784, 128, 10], [784, 256, 128, 10], [784, 330, 10]]) {
      expect(await problemsOf(sizes), sizes.join('-')).toEqual([]);
      expect(await problemsOf(sizes, 'int8'), `${sizes.join('-')} int8`).toEqual([]);
    }
  });

  it('refuses one hidden unit more than the widest that fits, for its multiply-adds alone', async () => {
    expect(await problemsOf([784, 331, 10])).toEqual(['262,814 multiply-adds per image (limit 262,144)']);
  });

  it('refuses the 19 MiB int8 784-4096-4096-10 model on every count', () => {
    const sizes = [784, 4096, 4096, 10];
    expect(budgetProblems(20_098_652)).toEqual(['the file is 20,098,652 bytes (limit 1,310,720)']); // before decoding
    expect(budgetProblems(20_098_652, sizes)).toEqual([
      'the file is 20,098,652 bytes (limit 1,310,720)',
      '20,037,642 parameters (limit 266,240)',
      '20,029,440 multiply-adds per image (limit 262,144)',
      '8,202 units per image (limit 4,096)',
    ]);
  });

  it('refuses a deep chain of tiny layers and a wide layer behind a narrow one, cheap as they look in multiply-adds', () => {
    const deep = [784, ...new Array(9).fill(4), 10];
    expect(forwardMultiplyAdds(deep)).toBeLessThan(MODEL_BUDGET.multiplyAdds);
    expect(budgetProblems(1000, deep)).toEqual(['10 layers (limit 8)']);
    const wide = [784, 1, 50_000, 1, 10];
    expect(forwardMultiplyAdds(wide)).toBeLessThan(MODEL_BUDGET.multiplyAdds);
    expect(budgetProblems(1000, wide)).toEqual(['50,012 units per image (limit 4,096)']);
  });

  it('leaves the largest file that fits far under an isolate\'s 128 MB, with a batch of 256 in flight', () => {
    const b = MODEL_BUDGET;
    // the file, the decoded float32 network, and the forward workspace (activations and gradients)
    const bytes = b.bytes + 4 * b.params + 256 * b.units * 4 * 2;
    expect(bytes).toBeLessThan(16 * 2 ** 20);
  });
});

import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { LIMITS } from '../../shared/limits';
import { expectError, postBytes, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish } from './helpers/models';

// a batch is priced by its ink: the first layer skips zero inputs, so 64 digits cost a fraction of 64
// images inked edge to edge. the free plan takes LIMITS.free.batchImages images but at most
// batchInkedInputs non-zero inputs, counted on what the network reads, before its forward pass.

beforeAll(async () => {
  await publish(env.MODELS, await modelFile(handNetwork()));
});

const { batchImages, batchInkedInputs } = LIMITS.free;
/** a uniform image: no skew to straighten, so all D inputs stay inked */
const inked = () => new Array(D).fill(200);
const batchOf = (n: number, image: (i: number) => number[]) => {
  const bytes = new Uint8Array(n * D);
  for (let i = 0; i < n; i++) bytes.set(image(i), i * D);
  return bytes;
};
const fits = Math.floor(batchInkedInputs / D);

describe('POST /classify/batch priced by its ink', () => {
  it(`answers ${batchImages} sparse digits, and ${fits} images inked edge to edge with the rest of the ${batchImages} sparse`, async () => {
    expect((await postBytes('/classify/batch', batchOf(batchImages, (i) => dotImage(i % D)), 'application/octet-stream')).status).toBe(200);
    const atBudget = batchOf(batchImages, (i) => (i < fits ? inked() : dotImage(i)));
    expect(fits * D + (batchImages - fits)).toBeLessThanOrEqual(batchInkedInputs);
    const res = await postBytes('/classify/batch', atBudget, 'application/octet-stream');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(batchImages);
  });

  it('answers 413 batch_too_dense to one more inked image, as bytes and as JSON, saying how to split it', async () => {
    const over = fits + 1;
    const message = await expectError(await postBytes('/classify/batch', batchOf(over, inked), 'application/octet-stream'), 413, 'batch_too_dense');
    expect(message).toBe(
      `the batch holds ${over * D} inked inputs once preprocessed (non-zero pixels of the 28×28 images the network reads), more than the ${batchInkedInputs} one request may hold here ` +
        `(about ${fits} images inked edge to edge; digits drawn as in MNIST hold ~180 each): send it in 2 requests, or crop each digit with "preprocess": true`,
    );
    await expectError(await postJson('/classify/batch', JSON.stringify({ images: Array.from({ length: batchImages }, inked) })), 413, 'batch_too_dense');
  });

  it('counts what the network reads: the same dense images cropped by preprocessing fit', async () => {
    const res = await postJson('/classify/batch', JSON.stringify({ images: Array.from({ length: batchImages }, () => inked().map((v, i) => (Math.abs((i % 28) - 14) < 6 && Math.abs(Math.floor(i / 28) - 14) < 9 ? 255 : 0))), preprocess: true }));
    expect(res.status).toBe(200);
  });
});

import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelKeyMetadata } from '../../shared/model/registry';
import { createModelLoader } from '../../worker/model-loader';
import { workerWith } from './helpers/fresh-worker';
import { clearKv } from './helpers/kv';
import { handNetwork, METADATA, modelFile, pointTo, putModel, type ModelFile } from './helpers/models';

// GET /model shows the accuracy `npm run upload` measured and stored beside the model in KV, never
// the figure the model file claims in its header: a file can say anything.

let boastful: ModelFile; // the hand-set test net in a file that claims a test accuracy of 100%

beforeEach(async () => {
  await clearKv(env.MODELS);
  boastful ??= await modelFile(handNetwork(), { ...METADATA, testAccuracy: 1 });
});

const measured = (file: ModelFile, over: Partial<ModelKeyMetadata> = {}): ModelKeyMetadata => ({
  version: file.version, testAccuracy: 0.1043, dtype: 'float32', sizes: [784, 10, 10], createdAt: METADATA.createdAt!,
  uploadedAt: '2026-12-01T10:00:00.000Z', bytes: file.bytes.length, ...over,
});

async function modelInfo(): Promise<Record<string, unknown>> {
  const res = await workerWith(createModelLoader({ log: () => {} }))('/model');
  expect(res.status).toBe(200);
  return res.json();
}

describe('the accuracy GET /model shows', () => {
  it('is the one the uploader measured, not the 100% the file claims', async () => {
    await putModel(env.MODELS, boastful, boastful.version, measured(boastful));
    await pointTo(env.MODELS, boastful.version);
    expect(await modelInfo()).toMatchObject({ version: boastful.version, testAccuracy: 0.1043, uploadedAt: '2026-12-01T10:00:00.000Z' });
  });

  it('is null ("not measured") for a model put in KV without the uploader', async () => {
    await putModel(env.MODELS, boastful);
    await pointTo(env.MODELS, boastful.version);
    expect(await modelInfo()).toMatchObject({ testAccuracy: null, uploadedAt: null });
  });

  it('is null when the stored figure is for another version or is not an accuracy', async () => {
    for (const bad of [measured(boastful, { version: '0123456789abcdef' }), measured(boastful, { testAccuracy: 1.5 }), { ...measured(boastful), testAccuracy: '99%' }]) {
      await putModel(env.MODELS, boastful, boastful.version, bad as ModelKeyMetadata);
      await pointTo(env.MODELS, boastful.version);
      expect((await modelInfo()).testAccuracy).toBeNull();
    }
  });

  it('is documented as nullable in the OpenAPI document', async () => {
    const doc = await (await workerWith(createModelLoader({ log: () => {} }))('/openapi.json')).json<any>();
    const accuracy = doc.components.schemas.ModelInfo.properties.testAccuracy;
    expect(JSON.stringify(accuracy)).toMatch(/null/);
    expect(accuracy.description).toMatch(/measured it .*never the figure the file claims; null: not measured/);
  });
});

import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, publish, putModel, truncated, type ModelFile } from './helpers/models';

// the whole worker under traffic while models change in KV. vitest.config.ts sets
// MODEL_REFRESH_SECONDS to 1, so a new upload shows up within about a second.

let first: ModelFile, second: ModelFile;

beforeAll(async () => {
  first = await modelFile(handNetwork(0));
  second = await modelFile(handNetwork(1));
  await publish(env.MODELS, first);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function classifyDot(): Promise<{ status: number; digit?: number; version?: string }> {
  const res = await postJson('/classify', { pixels: dotImage(2) });
  const body = await res.json<any>();
  return { status: res.status, digit: body.digit, version: body.model?.version };
}

describe('uploading a model while the worker is serving', () => {
  it('serves the first model', async () => {
    expect(await classifyDot()).toEqual({ status: 200, digit: 2, version: first.version });
  });

  it('never answers 5xx and switches to the new model after the refresh interval', async () => {
    const seen: { status: number; digit?: number; version?: string }[] = [];
    const traffic = (async () => {
      const until = Date.now() + 3500;
      while (Date.now() < until) {
        seen.push(await classifyDot());
        await sleep(25);
      }
    })();
    await sleep(300);
    // the upload script's order: a half-written model first, then the whole one, then the pointer
    await putModel(env.MODELS, truncated(second));
    await putModel(env.MODELS, second);
    await publish(env.MODELS, second, [first.version]);
    await traffic;
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    // each answer comes from one model or the other, never a mix
    for (const s of seen) expect([`${first.version}:2`, `${second.version}:3`]).toContain(`${s.version}:${s.digit}`);
    expect(seen[0].version).toBe(first.version);
    expect(seen[seen.length - 1]).toEqual({ status: 200, digit: 3, version: second.version });
  });
});

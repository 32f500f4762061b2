import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, postJson } from './helpers/http';
import { dotImage, handNetwork, modelFile, pointTo, publish, putModel, truncated } from './helpers/models';

// the whole worker (its module-scope loader, as deployed) under concurrent traffic while models
// change in KV. vitest.config.ts sets MODEL_REFRESH_SECONDS to 1, so the loader re-reads the
// pointer about once a second. one test, so no order of tests can change what the loader holds.

const BURST = 16;
const WAIT = { timeout: 20_000, interval: 100 };

type Phase = 'first' | 'truncated' | 'repaired';
interface Answer {
  phase: Phase; // what KV held when the request was sent
  status: number;
  served?: string; // "<version>:<digit>"
}

async function classifyDot(phase: Phase): Promise<Answer> {
  const res = await postJson('/classify', { pixels: dotImage(2) });
  const body = await res.json<any>();
  return { phase, status: res.status, served: `${body.model?.version}:${body.digit}` };
}

/** /readyz's answer: 200 when the pointer's model is loaded, 503 model_stale with the reason when not */
async function readiness(): Promise<string> {
  const res = await call('/readyz');
  const body = await res.json<any>();
  return res.status === 200 ? `ready ${body.model.version}` : `${res.status} ${body.error.code}: ${body.error.message}`;
}

describe('models changing in KV while the worker serves bursts of requests', () => {
  it('never answers 5xx, keeps the good model through a truncated one, and switches once it is whole', async () => {
    const first = await modelFile(handNetwork(0)); // a dot at pixel 2 reads as 2
    const second = await modelFile(handNetwork(1)); // and as 3
    await publish(env.MODELS, first);
    await expect.poll(async () => (await classifyDot('first')).served, WAIT).toBe(`${first.version}:2`);

    // bursts of concurrent requests, back to back, until the swap is over
    const answers: Answer[] = [];
    let phase: Phase = 'first';
    let done = false;
    const traffic = (async () => {
      while (!done) answers.push(...(await Promise.all(Array.from({ length: BURST }, () => classifyDot(phase)))));
    })();

    // an upload that stopped half way, and a pointer already moved to it
    await putModel(env.MODELS, truncated(second));
    phase = 'truncated';
    await pointTo(env.MODELS, second.version, [first.version]);
    // the loader has read the truncated file and refused it, while the bursts go on
    await expect.poll(readiness, WAIT).toMatch(new RegExp(`^503 model_stale: serving ${first.version}, not the current model ${second.version}: .*truncated`));

    // the whole file under the same key, as a retried upload writes it; the pointer stays
    phase = 'repaired';
    await putModel(env.MODELS, second);
    await expect.poll(readiness, WAIT).toBe(`ready ${second.version}`);
    const switched = answers.length;
    await expect.poll(() => answers.length, WAIT).toBeGreaterThanOrEqual(switched + BURST);
    done = true;
    await traffic;

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // each answer comes from one model or the other, never a mix of their weights
    for (const a of answers) expect([`${first.version}:2`, `${second.version}:3`]).toContain(a.served);
    // while the pointer named a truncated file, only the first model answered
    expect(answers.filter((a) => a.phase !== 'repaired').every((a) => a.served === `${first.version}:2`)).toBe(true);
    expect(answers.filter((a) => a.phase === 'truncated').length).toBeGreaterThanOrEqual(BURST);
    // once the loader reported the second model ready, every later request got it
    expect(answers.slice(switched + BURST).every((a) => a.served === `${second.version}:3`)).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_POINTER_KEY, measuredFrom, modelKey, type ModelKeyMetadata } from '../../shared/model/registry';
import type { KvStore } from '../../scripts/lib/kv';
import { memoryStore } from '../../scripts/lib/memory-kv';
import { LOCK_MINUTES, PUBLISH_LOCK_KEY, PublishLockError } from '../../scripts/lib/publish-lock';
import { listedLine, listModels, readPointer, rollback, uploadModel } from '../../scripts/lib/registry';
import { handNetwork, METADATA, modelFile, pointTo, type ModelFile } from '../worker/helpers/models';
import { overflowingUnitModel } from '../worker/helpers/unfit-models';

// publishing that cannot race: upload and rollback against the in-memory KV, with a second publisher
// run at a chosen moment inside the first (interleave below). the local store behaves the same way:
// every read sees the last write (scripts/lib/publish-lock.ts says where remote KV does not).

const dir = mkdtempSync(join(tmpdir(), 'registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files: { path: string; file: ModelFile }[];
beforeAll(async () => {
  files = await Promise.all([0, 1, 2].map(async (shift) => {
    const file = await modelFile(handNetwork(shift));
    const path = join(dir, `shift-${shift}.bin`);
    writeFileSync(path, file.bytes);
    return { path, file };
  }));
});

type Op = 'get' | 'put' | 'delete';

/** the store, with `then` run (and awaited) once, just before the first operation `when` picks */
function interleave(store: KvStore, when: (op: Op, key: string) => boolean, then: () => Promise<unknown>): KvStore {
  let done = false;
  const hook = async (op: Op, key: string) => {
    if (done || !when(op, key)) return;
    done = true;
    await then();
  };
  return {
    ...store,
    get: async (key) => (await hook('get', key), store.get(key)),
    put: async (key, value, metadata) => (await hook('put', key), store.put(key, value, metadata)),
    delete: async (key) => (await hook('delete', key), store.delete(key)),
  };
}

/** a second publisher's outcome, kept so the test can look at it after the first has finished */
async function outcome(work: Promise<unknown>): Promise<Error | null> {
  try {
    await work;
    return null;
  } catch (e) {
    return e as Error;
  }
}

describe('two publishers at once', () => {
  it('an upload that starts while another holds the lock is refused, naming it; the first completes', async () => {
    const kv = memoryStore();
    const [a, b] = files;
    let second: Error | null = null;
    // B runs whole while A is storing its model, after A has read the pointer
    const racing = interleave(kv, (op, key) => op === 'put' && key === modelKey(a.file.version), async () => {
      second = await outcome(uploadModel(b.path, kv, true));
    });
    await uploadModel(a.path, racing, true);
    expect(second).toBeInstanceOf(PublishLockError);
    expect(second!.message).toMatch(new RegExp(`another publish holds lock/publish: the upload of ${a.file.version} started .* wait for it to finish and run this again`));
    expect((await readPointer(kv))?.version).toBe(a.file.version);
    expect(await kv.get(modelKey(b.file.version))).toBeNull(); // B touched nothing
    expect(await kv.get(PUBLISH_LOCK_KEY)).toBeNull(); // and A let go of the lock
  });

  it('a rollback during an upload is refused the same way', async () => {
    const kv = memoryStore();
    const [a, b] = files;
    await uploadModel(a.path, kv, true);
    let second: Error | null = null;
    const racing = interleave(kv, (op, key) => op === 'put' && key === modelKey(b.file.version), async () => {
      second = await outcome(rollback(kv));
    });
    await uploadModel(b.path, racing, true);
    expect(second!.message).toMatch(new RegExp(`the upload of ${b.file.version} started`));
    expect(await readPointer(kv)).toMatchObject({ version: b.file.version, previous: [a.file.version] });
  });

  it('an upload refuses to move a pointer that moved while it ran (a writer without the lock), saying from what to what', async () => {
    const kv = memoryStore();
    const [a, b, c] = files;
    await uploadModel(a.path, kv, true);
    // an older copy of these scripts, or a hand edit: the pointer moves to C behind the lock's back
    const racing = interleave(kv, (op, key) => op === 'put' && key === modelKey(b.file.version), () => pointTo(kv, c.file.version, [a.file.version]));
    await expect(uploadModel(b.path, racing, true)).rejects.toThrow(
      `the current model changed from ${a.file.version} to ${c.file.version} while this upload ran; nothing was moved: run it again`,
    );
    expect((await readPointer(kv))?.version).toBe(c.file.version);
    expect(await kv.get(PUBLISH_LOCK_KEY)).toBeNull();
    // run again, it compares with and keeps the one that won
    await uploadModel(b.path, kv, true);
    expect(await readPointer(kv)).toMatchObject({ version: b.file.version, previous: [c.file.version, a.file.version] });
  });

  it('a rollback refuses the same way when the pointer moves while it checks the earlier model', async () => {
    const kv = memoryStore();
    const [a, b, c] = files;
    await uploadModel(a.path, kv, true);
    await uploadModel(b.path, kv, true);
    const racing = interleave(kv, (op, key) => op === 'get' && key === modelKey(a.file.version), () => pointTo(kv, c.file.version, [b.file.version, a.file.version]));
    await expect(rollback(racing)).rejects.toThrow(`the current model changed from ${b.file.version} to ${c.file.version} while this rollback ran; nothing was moved: run it again`);
    expect((await readPointer(kv))?.version).toBe(c.file.version);
  });

  it('notices a rewrite that names the same model but another history', async () => {
    const kv = memoryStore();
    const [a, b] = files;
    await uploadModel(a.path, kv, true);
    const racing = interleave(kv, (op, key) => op === 'put' && key === modelKey(b.file.version), () => pointTo(kv, a.file.version, []));
    await expect(uploadModel(b.path, racing, true)).rejects.toThrow(`changed from ${a.file.version} to ${a.file.version} (rewritten) while this upload ran`);
  });

  it('a publisher that took the lock at the same moment as another gives up when the lock reads back as the other one', async () => {
    const kv = memoryStore();
    const [a] = files;
    // between A's write of the lock and its read back, someone else's lock lands (no compare-and-swap in KV)
    let writes = 0;
    const racing: KvStore = {
      ...kv,
      put: async (key, value, metadata) => {
        await kv.put(key, value, metadata);
        if (key === PUBLISH_LOCK_KEY && writes++ === 0) {
          await kv.put(PUBLISH_LOCK_KEY, JSON.stringify({ owner: 'other', what: 'upload of 0123456789abcdef', host: 'elsewhere', startedAt: '', expiresAt: new Date(Date.now() + 60_000).toISOString() }));
        }
      },
    };
    await expect(uploadModel(a.path, racing, true)).rejects.toThrow(/another publish took lock\/publish at the same moment \(the upload of 0123456789abcdef on elsewhere\); run this again/);
    expect(await readPointer(kv)).toBeNull();
  });

  it(`a lock left behind by a publisher that died is refused until it expires (${LOCK_MINUTES} minutes), then taken over`, async () => {
    const kv = memoryStore();
    const [a] = files;
    const started = Date.now() - (LOCK_MINUTES - 1) * 60_000;
    const stale = { owner: 'dead', what: 'rollback', host: 'laptop', startedAt: new Date(started).toISOString(), expiresAt: new Date(started + LOCK_MINUTES * 60_000).toISOString() };
    await kv.put(PUBLISH_LOCK_KEY, JSON.stringify(stale));
    await expect(uploadModel(a.path, kv, true)).rejects.toThrow(/the rollback started .* on laptop; .*if it died, delete the lock: npx wrangler kv key delete --binding MODELS lock\/publish/);
    await kv.put(PUBLISH_LOCK_KEY, JSON.stringify({ ...stale, expiresAt: new Date(Date.now() - 1).toISOString() }));
    await uploadModel(a.path, kv, true);
    expect((await readPointer(kv))?.version).toBe(a.file.version);
  });
});

describe('a model whose activations can overflow', () => {
  it('with one hidden unit at ±3e38 (it passes the probe images) is refused at upload, even with --force, before KV is touched', async () => {
    const path = join(dir, 'overflowing-unit.bin');
    writeFileSync(path, (await overflowingUnitModel()).bytes);
    const kv = memoryStore();
    const refusal = uploadModel(path, kv, true);
    await expect(refusal).rejects.toThrow(`${path} cannot be served: for some pixels in 0..255, hidden unit 0 of layer 1 can reach 6.00e+38`);
    await expect(refusal).rejects.toThrow(/; retrain it$/);
    expect(await kv.list('')).toEqual([]);
  });
});

describe('the accuracy recorded beside a model', () => {
  it('is the one scored on upload, whatever the file claims: a header saying 100% uploads, but 100% is recorded nowhere', async () => {
    const kv = memoryStore();
    const boastful = await modelFile(handNetwork(), { ...METADATA, testAccuracy: 1 });
    const path = join(dir, 'boastful.bin');
    writeFileSync(path, boastful.bytes);
    const up = await uploadModel(path, kv);
    expect(up.model.header.metadata.testAccuracy).toBe(1);
    expect(up.accuracy).toBeLessThan(0.2); // the hand-set net reads ten pixels of the top row
    const [entry] = await kv.list<ModelKeyMetadata>(modelKey(''));
    expect(entry.metadata).toMatchObject({ version: boastful.version, testAccuracy: up.accuracy });
    expect(measuredFrom(entry.metadata, boastful.version)?.testAccuracy).toBe(up.accuracy); // what the Worker shows
  });
});

describe('npm run models', () => {
  it('lists by upload date, shows — for the reproducible 1970-01-01 and for no accuracy, and survives a numeric createdAt', async () => {
    const kv = memoryStore();
    const [a, b, c] = files;
    const base = { dtype: 'float32', sizes: [784, 10, 10], bytes: 2048 };
    await kv.put(modelKey(a.file.version), a.file.bytes, { ...base, version: a.file.version, testAccuracy: 0.99, createdAt: '1970-01-01T00:00:00.000Z', uploadedAt: '2026-12-01T10:30:00.000Z' });
    await kv.put(modelKey(b.file.version), b.file.bytes, { ...base, version: b.file.version, testAccuracy: 0.5, createdAt: 1764000000000 }); // written by hand
    await kv.put(modelKey(c.file.version), c.file.bytes); // no metadata at all
    await kv.put(CURRENT_POINTER_KEY, JSON.stringify({ version: a.file.version, previous: [], updatedAt: '' }));
    const lines = (await listModels(kv)).map(listedLine);
    expect(lines[0]).toMatch(new RegExp(`^\\* ${a.file.version} {2}99\\.00% {2}float32 {2}784-10-10 +2 KiB {2}uploaded 2026-12-01 10:30 UTC$`));
    expect(lines[1]).toMatch(new RegExp(`^  ${b.file.version} {2}50\\.00% .* created 2025-11-24 16:00 UTC$`));
    expect(lines[2]).toMatch(new RegExp(`^  ${c.file.version} +— {2}\\? .* —$`));
    await uploadModel(files[1].path, kv, true); // a real upload records its date
    const [first] = await listModels(kv);
    expect(first.version).toBe(files[1].file.version);
    expect(Date.now() - Date.parse(first.uploadedAt!)).toBeLessThan(60_000);
  });
});

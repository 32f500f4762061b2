import { hostname } from 'node:os';
import type { KvStore } from './kv';

// one publisher at a time: `npm run upload` and `npm run rollback` hold a lock key in KV while they
// read the pointer, compare, and move it, and re-read the pointer just before moving it (registry.ts).
//
// what this can and cannot promise, because Workers KV has no compare-and-swap:
// - the lock is a plain key: taking it is read, write, read back. two publishers that read "free" at
//   the same moment both write; the read back makes the earlier writer see the later one's name and
//   give up, but a publisher that reads back before the other writes goes on too. the pointer re-read
//   just before the move then catches whichever of the two finishes second, unless both re-read
//   before either writes: a window of one KV read and write (milliseconds locally, a few seconds
//   remotely, where each operation is a wrangler process).
// - the local store (`wrangler dev`, one SQLite file) shows every write to the next read, so there the
//   lock and the re-read refuse every race these scripts can make between them.
// - the deployed namespace may answer a read from a cache for up to 60 s after a write made
//   elsewhere: two people publishing from different places within a minute can both get through.
//   then the last pointer write wins and the other version is still stored (npm run models lists it);
//   nothing is half-written, and the Workers serve whichever won.
// - 1 write per second per key: the lock is written once and deleted once per publish, seconds apart.
// a publisher that dies holding the lock leaves it behind until it expires (LOCK_MINUTES), or until
// someone deletes it: the refusal says how.

export const PUBLISH_LOCK_KEY = 'lock/publish';
/** longer than any publish takes: a remote upload is a dozen wrangler processes and two scorings */
export const LOCK_MINUTES = 10;

interface Lock {
  owner: string; // random, this publisher's alone
  what: string; // "upload of 0123456789abcdef", "rollback"
  host: string;
  startedAt: string; // ISO
  expiresAt: string; // ISO: after this the lock is free
}

export class PublishLockError extends Error {}

function parseLock(bytes: Uint8Array | null): Lock | null {
  if (bytes === null) return null;
  try {
    const l = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Lock>;
    return typeof l?.owner === 'string' && typeof l.expiresAt === 'string' ? (l as Lock) : null;
  } catch {
    return null; // not a lock this code wrote: treated as free, and overwritten
  }
}

const deleteHint = `if it died, delete the lock: npx wrangler kv key delete --binding MODELS ${PUBLISH_LOCK_KEY} (add --remote for the deployed namespace)`;

export interface LockOptions {
  now?: () => number;
}

/** runs `work` holding the publish lock; refuses with a PublishLockError naming the holder when another publisher has it */
export async function withPublishLock<T>(kv: KvStore, what: string, work: () => Promise<T>, { now = Date.now }: LockOptions = {}): Promise<T> {
  const held = parseLock(await kv.get(PUBLISH_LOCK_KEY));
  if (held && Date.parse(held.expiresAt) > now()) {
    throw new PublishLockError(
      `another publish holds ${PUBLISH_LOCK_KEY}: the ${held.what} started ${held.startedAt} on ${held.host}; ` +
        `wait for it to finish and run this again (the lock expires at ${held.expiresAt}; ${deleteHint})`,
    );
  }
  const mine: Lock = {
    owner: crypto.randomUUID(), what, host: hostname(),
    startedAt: new Date(now()).toISOString(), expiresAt: new Date(now() + LOCK_MINUTES * 60_000).toISOString(),
  };
  await kv.put(PUBLISH_LOCK_KEY, JSON.stringify(mine));
  const back = parseLock(await kv.get(PUBLISH_LOCK_KEY));
  if (back?.owner !== mine.owner) {
    throw new PublishLockError(`another publish took ${PUBLISH_LOCK_KEY} at the same moment (${back ? `the ${back.what} on ${back.host}` : 'it is gone'}); run this again once it has finished`);
  }
  try {
    return await work();
  } finally {
    // only our own lock: one that expired and was taken over belongs to someone else now
    const still = parseLock(await kv.get(PUBLISH_LOCK_KEY).catch(() => null));
    if (still?.owner === mine.owner) await kv.delete(PUBLISH_LOCK_KEY).catch(() => {}); // else it expires by itself
  }
}

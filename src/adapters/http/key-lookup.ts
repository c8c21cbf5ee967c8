import type { ApiKey } from '../../core/auth/model.ts';
import { API_KEY_REVOKED_CHANNEL, findApiKeyByHash } from '../storage/api-keys.repo.ts';
import type { Db } from '../storage/db.ts';
import type { Listener } from '../storage/pg-listener.ts';

export interface KeyLookupService {
  readonly find: (keyHash: string) => Promise<ApiKey | null>;
  /** The cached key, not yet confirmed (no fence): `find` must confirm it before anything is answered. */
  readonly peek: (keyHash: string) => ApiKey | null;
  /** Drops a key from this node's cache (its revocation committed here). */
  forget(keyId: string): void;
  close(): Promise<void>;
}

/** Enough for every key of a large installation; beyond it the oldest entries make room. */
const MAX_ENTRIES = 10_000;

/**
 * Makes `fence()` resolve only after a round trip on the listening connection that began after the
 * call, so every revocation committed before the call has been delivered (PostgreSQL sends pending
 * notifications ahead of a query's answer). Concurrent callers share round trips: at most one is in
 * flight and one waits, however many requests arrive.
 */
function createFence(listener: Listener): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const p: Promise<void> = listener.sync().finally(() => {
      if (inFlight === p) inFlight = null;
    });
    inFlight = p;
    return p;
  };
  return () => {
    if (inFlight === null) return start();
    queued ??= inFlight.catch(() => undefined).then(() => {
      queued = null;
      return start();
    });
    return queued;
  };
}

/**
 * API keys by hash, cached in memory: a look-up per request would double the store round trips of a
 * simple read (bench/auth.ts: 0.64 of the unauthenticated throughput). Only what cannot change is
 * cached (scopes, expiry); expiry is checked against the clock on every request.
 *
 * A revocation commits a NOTIFY; each node LISTENs and forgets the key. To make "fails on the next
 * request" hold on every node, not just eventually, a cache hit is only trusted after a shared round
 * trip on the listening connection that began after the request arrived (see createFence). When that
 * connection is down the cache is emptied and bypassed, so a lost notification never keeps a key alive.
 */
export async function createKeyLookup(db: Db, onError: (e: unknown) => void, cache = true): Promise<KeyLookupService> {
  if (!cache) return { find: (keyHash) => findApiKeyByHash(db, keyHash), peek: () => null, forget: () => undefined, close: async () => undefined };
  const byHash = new Map<string, ApiKey>();
  // Bumped by every revocation: a look-up that read the store before a revocation landed must not
  // cache what it read, or a revoked key could live on in the cache.
  let generation = 0;
  const forget = (keyId: string): void => {
    generation++;
    for (const [hash, key] of byHash) if (key.id === keyId) byHash.delete(hash);
  };
  let listener: Listener | null = null;
  if (db.listen) {
    listener = await db.listen(API_KEY_REVOKED_CHANNEL, {
      onNotify: forget,
      onReset: () => {
        generation++;
        byHash.clear();
        onError(new Error('the API key revocation listener disconnected; reconnecting, cache bypassed meanwhile'));
      },
    });
  }
  // PGlite: this process is the only node, and revocations here forget the key synchronously.
  const fence = listener === null ? async () => undefined : createFence(listener);
  const cacheUsable = (): boolean => listener === null || listener.connected();

  async function cachedHit(keyHash: string): Promise<ApiKey | null> {
    if (!byHash.has(keyHash) || !cacheUsable()) return null;
    try {
      await fence();
    } catch {
      return null; // the listener is down: ask the store
    }
    return cacheUsable() ? (byHash.get(keyHash) ?? null) : null;
  }

  return {
    async find(keyHash) {
      const hit = await cachedHit(keyHash);
      if (hit !== null) return hit;
      const readAt = generation;
      const key = await findApiKeyByHash(db, keyHash);
      if (key !== null && key.revokedAt === null && readAt === generation && cacheUsable()) {
        if (byHash.size >= MAX_ENTRIES) byHash.delete(byHash.keys().next().value!);
        byHash.set(keyHash, key);
      }
      return key;
    },
    peek: (keyHash) => (cacheUsable() ? (byHash.get(keyHash) ?? null) : null),
    forget,
    close: async () => listener?.close(),
  };
}

import type { ApiKey } from '../../core/auth/model.ts';
import { API_KEY_REVOKED_CHANNEL, findApiKeyByHash } from '../storage/api-keys.repo.ts';
import type { Db } from '../storage/db.ts';
import type { Listener } from '../storage/pg-listener.ts';

export interface KeyLookupService {
  readonly find: (keyHash: string) => Promise<ApiKey | null>;
  /** Drops a key from this node's cache (its revocation committed here). */
  forget(keyId: string): void;
  /** Resolves once every revocation committed before the call has reached this node (tests, bench). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Enough for every key of a large installation; beyond it the oldest entries make room. */
const MAX_ENTRIES = 10_000;

/**
 * API keys by hash, cached in memory: a per-request look-up would double the store round trips of a
 * simple read (bench/auth.ts measured 0.64 of the unauthenticated throughput). Only stored facts that
 * never change are cached (scopes, expiry, the revocation time once set); expiry is checked against
 * the clock on every request. A revocation deletes the entry on the revoking node at once and reaches
 * the other nodes through NOTIFY, sent in the revoking transaction. Whenever the listening connection
 * is down the cache is emptied and bypassed, so a missed notification can never keep a key alive.
 */
export async function createKeyLookup(db: Db, onError: (e: unknown) => void): Promise<KeyLookupService> {
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
  // PGlite: one process is the only node, so forgetting locally is all there is to do.
  const cacheUsable = (): boolean => listener === null || listener.connected();
  return {
    async find(keyHash) {
      const cached = byHash.get(keyHash);
      if (cached !== undefined && cacheUsable()) return cached;
      const readAt = generation;
      const key = await findApiKeyByHash(db, keyHash);
      if (key !== null && key.revokedAt === null && readAt === generation && cacheUsable()) {
        if (byHash.size >= MAX_ENTRIES) byHash.delete(byHash.keys().next().value!);
        byHash.set(keyHash, key);
      }
      return key;
    },
    forget,
    sync: async () => listener?.sync(),
    close: async () => listener?.close(),
  };
}

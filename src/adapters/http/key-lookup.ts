import type { ApiKey } from '../../core/auth/model.ts';
import { findApiKeyByHash } from '../storage/api-keys.repo.ts';
import type { Db } from '../storage/db.ts';

export interface KeyLookupService {
  readonly find: (keyHash: string) => Promise<ApiKey | null>;
  close(): Promise<void>;
}

/** Every request probes the unique index on api_keys.key_hash, so a revocation counts on the next request. */
export async function createKeyLookup(db: Db, _onError: (e: unknown) => void): Promise<KeyLookupService> {
  return { find: (keyHash) => findApiKeyByHash(db, keyHash), close: async () => undefined };
}

import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY, type AuthDeps, type AuthPolicy } from '../../core/auth/model.ts';
import type { Clock, IdGenerator } from '../../core/ports.ts';
import { createAccessTokens, sha256 } from '../crypto/access-tokens.ts';
import { argon2Passwords } from '../crypto/passwords.ts';
import { createAuthStore } from '../storage/auth-store.ts';
import type { Db } from '../storage/db.ts';

export interface AuthOptions {
  /** HS256 key for access tokens; every node sharing a store must have the same. Default: random per app. */
  readonly jwtSecret?: Uint8Array;
  /** Requests per minute and client IP to login, refresh and logout. Default 20. */
  readonly rateLimitPerMinute?: number;
  readonly policy?: Partial<AuthPolicy>;
  /** Failed authentications per minute and client address before its further failures are 429s (valid credentials still pass). Default 30. */
  readonly failureLimitPerMinute?: number;
  /** Cache API keys per node (default true); false = one store look-up per request (the benchmark's comparison). */
  readonly cacheApiKeys?: boolean;
}

/** The core's access-control dependencies, wired to the store and the real crypto. */
export function createAuthDeps(db: Db, clock: Clock, ids: IdGenerator, options: AuthOptions = {}): AuthDeps {
  return {
    store: createAuthStore(db, clock),
    clock,
    ids,
    passwords: argon2Passwords,
    tokens: createAccessTokens(options.jwtSecret ?? randomBytes(32), clock),
    randomBytes: (n) => randomBytes(n),
    digest: sha256,
    policy: { ...DEFAULT_POLICY, ...options.policy },
  };
}

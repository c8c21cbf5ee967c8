import type { Clock, EventAppender, IdGenerator } from '../ports.ts';
import type { Role } from './roles.ts';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  /** argon2id, PHC string. */
  readonly passwordHash: string;
  /** Failed logins since the last success or lockout. */
  readonly failedLogins: number;
  readonly lockedUntil: Date | null;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  /** The first characters of the key, for recognising it in lists; never enough to use it. */
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly useCount: number;
}

export interface ApiKeyStatistics {
  readonly total: number;
  readonly active: number;
  readonly revoked: number;
  readonly expired: number;
  readonly usedLast7Days: number;
  readonly neverUsed: number;
  readonly byOwner: Record<string, number>;
}

/** One refresh token; tokens issued from one login form a family (a session). */
export interface RefreshToken {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  /** Set when the token was exchanged for the next one; presenting it again is reuse. */
  readonly replacedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly createdAt: Date;
}

/** Whoever a request acts for: a signed-in user or an API key. `id` is what event metadata names. */
export interface Principal {
  readonly id: string;
  readonly kind: 'user' | 'api_key';
  readonly name: string;
  readonly scopes: readonly string[];
  readonly role?: Role | undefined;
  readonly owner?: string | undefined;
  /** The session (refresh-token family) of a signed-in user. */
  readonly sessionId?: string | undefined;
}

export interface UserRepo {
  get(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  count(): Promise<number>;
  /** Holds every other writer of users off until the transaction ends. */
  lockAll(): Promise<void>;
  insert(user: User): Promise<void>;
  /** Every user, by username. */
  list(): Promise<User[]>;
  setActive(id: string, active: boolean, at: Date): Promise<void>;
  /** When sign-ins of this user from this address are locked until; null = not locked. */
  loginLockedUntil(id: string, clientIp: string): Promise<Date | null>;
  /** Adds one failed login of this user from this address atomically (parallel attempts all count); returns the new count. */
  addFailedLogin(id: string, clientIp: string, at: Date): Promise<number>;
  /** Sets the count and lock of this user and address (0 and null forget them). A lock also shows as the user's `lockedUntil`. */
  setLoginState(id: string, clientIp: string, failedLogins: number, lockedUntil: Date | null, at: Date): Promise<void>;
}

export interface ApiKeyRepo {
  get(id: string): Promise<ApiKey | null>;
  findByHash(keyHash: string): Promise<ApiKey | null>;
  list(): Promise<ApiKey[]>;
  insert(key: ApiKey, keyHash: string): Promise<void>;
  /** Returns false when the key was revoked already. */
  revoke(id: string, at: Date): Promise<boolean>;
  statistics(now: Date): Promise<ApiKeyStatistics>;
}

export interface RefreshTokenRepo {
  findByHash(tokenHash: string): Promise<RefreshToken | null>;
  insert(token: RefreshToken): Promise<void>;
  /** Marks the token exchanged; false when it was exchanged or revoked already (a concurrent reuse). */
  markReplaced(tokenHash: string, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
  revokeUser(userId: string, at: Date): Promise<void>;
}

export interface AuthTx {
  readonly events: EventAppender;
  readonly users: UserRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly refreshTokens: RefreshTokenRepo;
}

export interface AuthStore {
  run<T>(work: (tx: AuthTx) => Promise<T>): Promise<T>;
  readonly read: AuthTx;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface AccessTokenClaims {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly sessionId: string;
}

export interface AccessTokens {
  /** A signed token valid for `ttlSeconds` from the clock's now. */
  issue(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }>;
  /** The claims of a valid token, or null (bad signature, expired, wrong algorithm, malformed). */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

export interface AuthDeps {
  readonly store: AuthStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly passwords: PasswordHasher;
  readonly tokens: AccessTokens;
  readonly randomBytes: (n: number) => Uint8Array;
  /** A one-way hash of a high-entropy secret (API key, refresh token): hex SHA-256. */
  readonly digest: (secret: string) => string;
  readonly policy: AuthPolicy;
}

export interface AuthPolicy {
  readonly maxFailedLogins: number;
  readonly lockoutMinutes: number;
  readonly refreshTokenDays: number;
}

export const DEFAULT_POLICY: AuthPolicy = { maxFailedLogins: 5, lockoutMinutes: 15, refreshTokenDays: 14 };

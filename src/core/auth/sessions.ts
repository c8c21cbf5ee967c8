import type { EventMeta } from '../ports.ts';
import { randomBase62 } from './api-key-format.ts';
import type { AuthDeps, AuthTx, RefreshToken, User } from './model.ts';
import { SECURITY_STREAM, type SecurityEvent } from './security-events.ts';

/** Refresh tokens: `mgr_` + 43 base62 characters (256 bits); stored only as a hash. */
const REFRESH_PREFIX = 'mgr_';

export interface SessionTokens {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
}

/** Expected outcomes are values: the route turns `refused` into one 401 that says nothing more. */
export type SessionResult = { readonly ok: true; readonly user: User; readonly tokens: SessionTokens } | { readonly ok: false };

export const recordSecurityEvent = (tx: AuthTx, event: SecurityEvent, meta: EventMeta): Promise<number> =>
  tx.events.append(SECURITY_STREAM, 'any', [event], meta);

/** argon2id of a password nobody has: checked for unknown users so that timing does not reveal names. */
let decoyHash: Promise<string> | null = null;

async function issueTokens(deps: AuthDeps, tx: AuthTx, user: User, familyId: string): Promise<SessionTokens> {
  const now = deps.clock.now();
  const refreshToken = REFRESH_PREFIX + randomBase62(43, deps.randomBytes);
  const token: RefreshToken = {
    tokenHash: deps.digest(refreshToken), familyId, userId: user.id, createdAt: now, replacedAt: null, revokedAt: null,
    expiresAt: new Date(now.getTime() + deps.policy.refreshTokenDays * 86_400_000),
  };
  await tx.refreshTokens.insert(token);
  const access = await deps.tokens.issue({ userId: user.id, username: user.username, role: user.role, sessionId: familyId });
  return { tokenType: 'Bearer', accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt: token.expiresAt };
}

/**
 * Checks a password. After `maxFailedLogins` failures in a row from one client address, sign-ins of
 * that user from that address are locked for `lockoutMinutes` (even the right password is refused
 * there); other addresses are not, so a lockout cannot be used to keep a user out. Every outcome is a
 * security event; an unknown username is not recorded (it may be a password typed into the wrong field).
 */
export async function login(deps: AuthDeps, username: string, password: string, meta: EventMeta): Promise<SessionResult> {
  const user = await deps.store.read.users.findByUsername(username);
  const now = deps.clock.now();
  const clientIp = meta.clientIp ?? 'unknown';
  if (user === null) {
    await deps.passwords.verify(await (decoyHash ??= deps.passwords.hash(randomBase62(20, deps.randomBytes))), password);
    await deps.store.run((tx) => recordSecurityEvent(tx, { type: 'LoginFailed', data: { username: null, userId: null, reason: 'unknown_user' } }, meta));
    return { ok: false };
  }
  const refuse = async (reason: 'locked' | 'disabled'): Promise<SessionResult> => {
    await deps.store.run((tx) => recordSecurityEvent(tx, { type: 'LoginFailed', data: { username, userId: user.id, reason } }, meta));
    return { ok: false };
  };
  if (!user.active) return refuse('disabled');
  const lockedUntil = await deps.store.read.users.loginLockedUntil(user.id, clientIp);
  if (lockedUntil !== null && lockedUntil > now) return refuse('locked');
  const ok = await deps.passwords.verify(user.passwordHash, password);
  return deps.store.run(async (tx) => {
    if (!ok) {
      await recordSecurityEvent(tx, { type: 'LoginFailed', data: { username, userId: user.id, reason: 'bad_password' } }, meta);
      const failures = await tx.users.addFailedLogin(user.id, clientIp, now);
      if (failures < deps.policy.maxFailedLogins) return { ok: false };
      const until = new Date(now.getTime() + deps.policy.lockoutMinutes * 60_000);
      await tx.users.setLoginState(user.id, clientIp, 0, until, now);
      await recordSecurityEvent(tx, { type: 'AccountLocked', data: { userId: user.id, username, until: until.toISOString(), clientIp } }, meta);
      return { ok: false };
    }
    await tx.users.setLoginState(user.id, clientIp, 0, null, now);
    const sessionId = deps.ids.next('session');
    // From here on the caller is known: the event names the user as its actor.
    await recordSecurityEvent(tx, { type: 'LoginSucceeded', data: { userId: user.id, username, sessionId } }, { ...meta, actor: user.id });
    return { ok: true, user, tokens: await issueTokens(deps, tx, user, sessionId) };
  });
}

/**
 * Exchanges a refresh token for a new pair. Each token works once: presenting one that was exchanged
 * already means it was copied, so the whole family (session) is revoked and the reuse recorded.
 */
export async function refresh(deps: AuthDeps, refreshToken: string, meta: EventMeta): Promise<SessionResult> {
  const now = deps.clock.now();
  const tokenHash = deps.digest(refreshToken);
  return deps.store.run(async (tx): Promise<SessionResult> => {
    const failed = async (reason: 'unknown' | 'expired' | 'revoked'): Promise<SessionResult> => {
      await recordSecurityEvent(tx, { type: 'AuthenticationFailed', data: { method: 'refresh_token', reason, keyId: null } }, meta);
      return { ok: false };
    };
    const token = await tx.refreshTokens.findByHash(tokenHash);
    if (token === null) return failed('unknown');
    if (token.revokedAt !== null) return failed('revoked');
    if (token.expiresAt <= now) return failed('expired');
    const user = await tx.users.get(token.userId);
    if (user === null || !user.active) return failed('revoked');
    if (token.replacedAt !== null || !(await tx.refreshTokens.markReplaced(tokenHash, now))) {
      await tx.refreshTokens.revokeFamily(token.familyId, now);
      await recordSecurityEvent(tx, { type: 'RefreshTokenReused', data: { userId: user.id, sessionId: token.familyId } }, { ...meta, actor: user.id });
      return { ok: false };
    }
    return { ok: true, user, tokens: await issueTokens(deps, tx, user, token.familyId) };
  });
}

/** Ends the caller's session: every refresh token of its family stops working. */
export async function logout(deps: AuthDeps, userId: string, sessionId: string | null, meta: EventMeta): Promise<void> {
  const now = deps.clock.now();
  await deps.store.run(async (tx) => {
    if (sessionId === null) await tx.refreshTokens.revokeUser(userId, now);
    else await tx.refreshTokens.revokeFamily(sessionId, now);
    await recordSecurityEvent(tx, { type: 'LoggedOut', data: { userId, sessionId } }, meta);
  });
}

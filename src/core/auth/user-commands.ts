import { conflict, invalid, notFound } from '../errors.ts';
import type { EventMeta } from '../ports.ts';
import { FieldErrors } from '../shared/validation.ts';
import { randomBase62 } from './api-key-format.ts';
import type { AuthDeps, AuthTx, User } from './model.ts';
import { isRole, type Role } from './roles.ts';
import { recordSecurityEvent } from './sessions.ts';

export const MIN_PASSWORD_LENGTH = 12;

export interface UserInput {
  readonly username: string;
  readonly role: string;
  readonly password: string;
}

async function insertUser(deps: AuthDeps, tx: AuthTx, input: UserInput, passwordHash: string, meta: EventMeta): Promise<User> {
  const now = deps.clock.now();
  if ((await tx.users.findByUsername(input.username)) !== null) throw conflict(`a user named ${input.username} exists already`);
  const user: User = {
    id: deps.ids.next('user'), username: input.username, role: input.role as Role, passwordHash,
    failedLogins: 0, lockedUntil: null, active: true, createdAt: now, updatedAt: now,
  };
  await tx.users.insert(user);
  await recordSecurityEvent(tx, { type: 'UserCreated', data: { id: user.id, username: user.username, role: user.role } }, meta);
  return user;
}

function validate(input: UserInput): void {
  const errors = new FieldErrors();
  errors.check(/^[A-Za-z0-9._@-]{1,64}$/.test(input.username), '/username', 'must be 1 to 64 letters, digits or . _ @ -');
  errors.check(isRole(input.role), '/role', 'must be admin, editor or viewer');
  errors.check(input.password.length >= MIN_PASSWORD_LENGTH && input.password.length <= 1024, '/password', `must be ${MIN_PASSWORD_LENGTH} to 1024 characters`);
  if (!errors.empty) throw invalid(errors.list);
}

export async function createUser(deps: AuthDeps, input: UserInput, meta: EventMeta): Promise<User> {
  validate(input);
  const hash = await deps.passwords.hash(input.password);
  return deps.store.run((tx) => insertUser(deps, tx, input, hash, meta));
}

export const generatePassword = (deps: Pick<AuthDeps, 'randomBytes'>): string => randomBase62(20, deps.randomBytes);

/**
 * On a store without users, creates the administrator `admin` with `password` or a generated one, and
 * returns the password so that the caller can show it once. Nodes starting together serialise on a
 * table lock: exactly one creates the administrator.
 */
export async function bootstrapAdmin(
  deps: AuthDeps, password: string | null, meta: EventMeta,
): Promise<{ username: string; password: string; generated: boolean } | null> {
  if ((await deps.store.read.users.count()) > 0) return null;
  const input = { username: 'admin', role: 'admin', password: password ?? generatePassword(deps) };
  validate(input);
  const hash = await deps.passwords.hash(input.password);
  return deps.store.run(async (tx) => {
    await tx.users.lockAll();
    if ((await tx.users.count()) > 0) return null;
    await insertUser(deps, tx, input, hash, meta);
    return { username: input.username, password: input.password, generated: password === null };
  });
}

/**
 * Disables (or enables again) a user: a disabled user cannot sign in and their sessions end at once
 * (refresh tokens revoked); an access token already issued works until it expires (15 minutes).
 * Nobody disables themselves, so an administrator cannot lock the last door behind them by mistake.
 */
export async function setUserActive(deps: AuthDeps, id: string, active: boolean, meta: EventMeta): Promise<User> {
  if (!active && meta.actor === id) throw conflict('you cannot disable yourself; ask another administrator');
  const now = deps.clock.now();
  return deps.store.run(async (tx) => {
    const user = await tx.users.get(id);
    if (user === null) throw notFound('user', id);
    if (user.active === active) return user;
    await tx.users.setActive(id, active, now);
    if (!active) await tx.refreshTokens.revokeUser(id, now);
    await recordSecurityEvent(tx, { type: active ? 'UserEnabled' : 'UserDisabled', data: { userId: id, username: user.username } }, meta);
    return { ...user, active, updatedAt: now };
  });
}

import type { User, UserRepo } from '../../core/auth/model.ts';
import type { Role } from '../../core/auth/roles.ts';
import type { Queryable } from './db.ts';

interface UserRow {
  id: string; username: string; role: Role; password_hash: string; failed_logins: number; locked_until: Date | null;
  active: boolean; created_at: Date; updated_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id, username: r.username, role: r.role, passwordHash: r.password_hash, failedLogins: r.failed_logins,
  lockedUntil: r.locked_until === null ? null : new Date(r.locked_until), active: r.active,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export async function getUser(db: Queryable, id: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserByUsername(db: Queryable, username: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]!.n;
}

export async function insertUser(db: Queryable, u: User): Promise<void> {
  await db.query(
    `INSERT INTO users (id, username, role, password_hash, failed_logins, locked_until, active, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [u.id, u.username, u.role, u.passwordHash, u.failedLogins, u.lockedUntil, u.active, u.createdAt, u.updatedAt],
  );
}

/** Rows of addresses that have not failed for a day are dropped as the user's next failure is counted. */
const FORGET_AFTER_MS = 86_400_000;

export async function setLoginState(db: Queryable, id: string, clientIp: string, failedLogins: number, lockedUntil: Date | null, at: Date): Promise<void> {
  if (failedLogins === 0 && lockedUntil === null) {
    await db.query('DELETE FROM login_lockouts WHERE user_id = $1 AND client_ip = $2', [id, clientIp]);
    return;
  }
  await db.query(
    `INSERT INTO login_lockouts (user_id, client_ip, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, client_ip) DO UPDATE SET failures = $3, locked_until = $4, updated_at = $5`,
    [id, clientIp, failedLogins, lockedUntil, at],
  );
  if (lockedUntil !== null) await db.query('UPDATE users SET locked_until = $2, updated_at = $3 WHERE id = $1', [id, lockedUntil, at]);
}

async function addFailedLogin(db: Queryable, id: string, clientIp: string, at: Date): Promise<number> {
  await db.query('DELETE FROM login_lockouts WHERE user_id = $1 AND updated_at < $2 AND (locked_until IS NULL OR locked_until < $3)', [id, new Date(at.getTime() - FORGET_AFTER_MS), at]);
  const { rows } = await db.query<{ n: number }>(
    `INSERT INTO login_lockouts (user_id, client_ip, failures, updated_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (user_id, client_ip) DO UPDATE SET failures = login_lockouts.failures + 1, updated_at = $3
     RETURNING failures AS n`,
    [id, clientIp, at],
  );
  return rows[0]?.n ?? 0;
}

export const userRepo = (db: Queryable): UserRepo => ({
  get: (id) => getUser(db, id),
  findByUsername: (u) => findUserByUsername(db, u),
  count: () => countUsers(db),
  lockAll: async () => void (await db.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE')),
  insert: (u) => insertUser(db, u),
  list: async () => (await db.query<UserRow>('SELECT * FROM users ORDER BY username')).rows.map(toUser),
  setActive: async (id, active, at) => void (await db.query('UPDATE users SET active = $2, updated_at = $3 WHERE id = $1', [id, active, at])),
  async loginLockedUntil(id, clientIp) {
    const { rows } = await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM login_lockouts WHERE user_id = $1 AND client_ip = $2', [id, clientIp]);
    const until = rows[0]?.locked_until ?? null;
    return until === null ? null : new Date(until);
  },
  addFailedLogin: (id, ip, at) => addFailedLogin(db, id, ip, at),
  setLoginState: (id, ip, f, l, at) => setLoginState(db, id, ip, f, l, at),
});

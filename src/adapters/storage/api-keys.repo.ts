import type { ApiKey, ApiKeyRepo, ApiKeyStatistics } from '../../core/auth/model.ts';
import type { Queryable } from './db.ts';
import { dateOrNull } from './rows.ts';

interface ApiKeyRow {
  id: string; name: string; owner: string; prefix: string; scopes: string[]; expires_at: Date | null; revoked_at: Date | null;
  created_by: string; created_at: Date; last_used_at: Date | null; use_count: number | string;
}

/** NOTIFY channel: the payload is the id of a key just revoked (see http/key-lookup.ts). */
export const API_KEY_REVOKED_CHANNEL = 'mg_api_key_revoked';

/** Every column but the hash: nothing read from this table for display ever carries it. */
const COLUMNS = 'id, name, owner, prefix, scopes, expires_at, revoked_at, created_by, created_at, last_used_at, use_count';

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id, name: r.name, owner: r.owner, prefix: r.prefix, scopes: r.scopes, expiresAt: dateOrNull(r.expires_at),
  revokedAt: dateOrNull(r.revoked_at), createdBy: r.created_by, createdAt: new Date(r.created_at),
  lastUsedAt: dateOrNull(r.last_used_at), useCount: Number(r.use_count),
});

/** The key a presented secret hashes to: one probe of the unique index on key_hash. */
export async function findApiKeyByHash(db: Queryable, keyHash: string): Promise<ApiKey | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [keyHash]);
  return rows[0] ? toApiKey(rows[0]) : null;
}

/** Adds uses counted in memory since the last flush (see usage-recorder.ts). */
export async function addApiKeyUses(db: Queryable, id: string, uses: number, lastUsedAt: Date): Promise<void> {
  await db.query(
    'UPDATE api_keys SET use_count = use_count + $2, last_used_at = GREATEST(last_used_at, $3) WHERE id = $1',
    [id, uses, lastUsedAt],
  );
}

async function statistics(db: Queryable, now: Date): Promise<ApiKeyStatistics> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1))::int AS active,
            count(*) FILTER (WHERE revoked_at IS NOT NULL)::int AS revoked,
            count(*) FILTER (WHERE revoked_at IS NULL AND expires_at <= $1)::int AS expired,
            count(*) FILTER (WHERE last_used_at > $1::timestamptz - interval '7 days')::int AS used_last_7_days,
            count(*) FILTER (WHERE last_used_at IS NULL)::int AS never_used
       FROM api_keys`,
    [now],
  );
  const byOwner = await db.query<{ owner: string; n: number }>('SELECT owner, count(*)::int AS n FROM api_keys GROUP BY owner ORDER BY owner');
  const r = rows[0]!;
  return {
    total: r.total!, active: r.active!, revoked: r.revoked!, expired: r.expired!, usedLast7Days: r.used_last_7_days!,
    neverUsed: r.never_used!, byOwner: Object.fromEntries(byOwner.rows.map((o) => [o.owner, o.n])),
  };
}

export const apiKeyRepo = (db: Queryable): ApiKeyRepo => ({
  async get(id) {
    const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return rows[0] ? toApiKey(rows[0]) : null;
  },
  findByHash: (h) => findApiKeyByHash(db, h),
  async list() {
    const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY id`);
    return rows.map(toApiKey);
  },
  async insert(k, keyHash) {
    await db.query(
      `INSERT INTO api_keys (id, name, owner, key_hash, prefix, scopes, expires_at, revoked_at, created_by, created_at, last_used_at, use_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [k.id, k.name, k.owner, keyHash, k.prefix, k.scopes, k.expiresAt, k.revokedAt, k.createdBy, k.createdAt, k.lastUsedAt, k.useCount],
    );
  },
  async revoke(id, at) {
    const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at]);
    // Delivered when (and only if) the revocation commits, to every node that caches keys.
    if (rowCount === 1) await db.query('SELECT pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, id]);
    return rowCount === 1;
  },
  statistics: (now) => statistics(db, now),
});

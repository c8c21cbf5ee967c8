import type { RefreshToken, RefreshTokenRepo } from '../../core/auth/model.ts';
import type { Queryable } from './db.ts';
import { dateOrNull } from './rows.ts';

interface TokenRow {
  token_hash: string; family_id: string; user_id: string; expires_at: Date; replaced_at: Date | null; revoked_at: Date | null; created_at: Date;
}

const toToken = (r: TokenRow): RefreshToken => ({
  tokenHash: r.token_hash, familyId: r.family_id, userId: r.user_id, expiresAt: new Date(r.expires_at),
  replacedAt: dateOrNull(r.replaced_at), revokedAt: dateOrNull(r.revoked_at), createdAt: new Date(r.created_at),
});

export const refreshTokenRepo = (db: Queryable): RefreshTokenRepo => ({
  async findByHash(tokenHash) {
    const { rows } = await db.query<TokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = $1', [tokenHash]);
    return rows[0] ? toToken(rows[0]) : null;
  },
  async insert(t) {
    await db.query(
      'INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, replaced_at, revoked_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [t.tokenHash, t.familyId, t.userId, t.expiresAt, t.replacedAt, t.revokedAt, t.createdAt],
    );
  },
  async markReplaced(tokenHash, at) {
    // The condition makes two concurrent exchanges of one token race for one row: one wins.
    const { rowCount } = await db.query(
      'UPDATE refresh_tokens SET replaced_at = $2 WHERE token_hash = $1 AND replaced_at IS NULL AND revoked_at IS NULL',
      [tokenHash, at],
    );
    return rowCount === 1;
  },
  async revokeFamily(familyId, at) {
    await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, at]);
  },
  async revokeUser(userId, at) {
    await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, at]);
  },
});

import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { AccessTokenClaims, AccessTokens } from '../../core/auth/model.ts';
import { isRole } from '../../core/auth/roles.ts';
import type { Clock } from '../../core/ports.ts';

const ISSUER = 'monitoring-grid';
const AUDIENCE = 'monitoring-grid-api';
/** Access tokens live 15 minutes; a refresh token gets the next one. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;

/** Hex SHA-256: enough for secrets with 190+ random bits (keys, refresh tokens), never for passwords. */
export const sha256 = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * HS256 JWTs. Verification pins the algorithm, so `alg: none` and algorithm-confusion tokens fail, and
 * checks issuer, audience and expiry against the injected clock.
 */
export function createAccessTokens(secret: Uint8Array, clock: Clock, ttlSeconds = ACCESS_TOKEN_SECONDS): AccessTokens {
  return {
    async issue(c) {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const token = await new SignJWT({ name: c.username, role: c.role, sid: c.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(c.userId).setIssuer(ISSUER).setAudience(AUDIENCE)
        .setIssuedAt(iat).setExpirationTime(iat + ttlSeconds)
        .sign(secret);
      return { token, expiresAt: new Date((iat + ttlSeconds) * 1000) };
    },
    async verify(token): Promise<AccessTokenClaims | null> {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: clock.now(), requiredClaims: ['sub', 'exp'],
        });
        const { sub, name, role, sid } = payload;
        if (typeof sub !== 'string' || typeof name !== 'string' || typeof role !== 'string' || !isRole(role) || typeof sid !== 'string') return null;
        return { userId: sub, username: name, role, sessionId: sid };
      } catch (e) {
        if (e instanceof errors.JOSEError || e instanceof TypeError) return null;
        throw e;
      }
    },
  };
}

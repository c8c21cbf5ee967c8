import type { AccessTokenClaims, ApiKey, Principal } from './model.ts';
import { ROLE_SCOPES } from './roles.ts';
import { grants, needsNoCredentials, type RouteAccess } from './scopes.ts';
import type { CredentialFailure } from './security-events.ts';

export type AccessDecision = 'allow' | 'unauthenticated' | 'forbidden';

/** May `principal` (null = no valid credentials) call a route that declares `access`? */
export function decideAccess(access: RouteAccess, principal: Principal | null): AccessDecision {
  // An action link's handler checks the token in its URL; access control only stays out of its way.
  if (needsNoCredentials(access)) return 'allow';
  if (principal === null) return 'unauthenticated';
  if (access === 'authenticated') return 'allow';
  return grants(principal.scopes, access) ? 'allow' : 'forbidden';
}

/** A stored key as a caller, or why it may not call: revoked and expired keys fail at once. */
export function principalOfKey(key: ApiKey, now: Date): Principal | CredentialFailure {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return { id: key.id, kind: 'api_key', name: key.name, owner: key.owner, scopes: key.scopes };
}

export const principalOfClaims = (c: AccessTokenClaims): Principal => ({
  id: c.userId, kind: 'user', name: c.username, role: c.role, scopes: ROLE_SCOPES[c.role], sessionId: c.sessionId,
});

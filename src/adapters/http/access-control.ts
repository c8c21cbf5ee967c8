import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess, principalOfClaims, principalOfKey } from '../../core/auth/access.ts';
import { isWellFormedApiKey } from '../../core/auth/api-key-format.ts';
import type { ApiKey, AuthDeps, Principal } from '../../core/auth/model.ts';
import type { CredentialFailure } from '../../core/auth/security-events.ts';
import { recordSecurityEvent } from '../../core/auth/sessions.ts';
import { AppError } from '../../core/errors.ts';
import { needsNoCredentials } from '../../core/auth/scopes.ts';
import { problemOf } from './problem.ts';
import { metaOf } from './request-context.ts';
import type { UsageRecorder } from './usage-recorder.ts';
import type { AuthFailures } from './auth-failures.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on public routes and before authentication. */
    principal: Principal | null;
    /** Why this request is answered 401/403 (auth_failures_total's reason); null when not refused. */
    authFailure: string | null;
    /** A cached key's confirmation still under way (confirmKeyWhileHandling): true = still valid. */
    keyConfirmation: Promise<boolean> | null;
  }
}

/** Finds the stored key a presented key hashes to (see key-lookup.ts for why it may cache). */
export type KeyLookup = (keyHash: string) => Promise<ApiKey | null>;

type Method = 'api_key' | 'bearer';
type Outcome = Principal | { readonly failed: CredentialFailure; readonly method: Method; readonly keyId?: string } | null;

/** One message for every refusal, so that a caller cannot tell a missing key from a revoked one. */
export const UNAUTHENTICATED = 'valid credentials are required: an API key in X-API-Key or an access token in Authorization: Bearer';

async function authenticate(request: FastifyRequest, auth: AuthDeps, lookup: KeyLookup, usage: UsageRecorder): Promise<Outcome> {
  const key = request.headers['x-api-key'];
  const authorization = request.headers.authorization;
  if (key !== undefined && authorization !== undefined) return { failed: 'ambiguous', method: 'api_key' };
  if (key !== undefined) {
    if (typeof key !== 'string' || !isWellFormedApiKey(key)) return { failed: 'malformed', method: 'api_key' };
    const stored = await lookup(auth.digest(key));
    if (stored === null) return { failed: 'unknown', method: 'api_key' };
    const now = auth.clock.now();
    const principal = principalOfKey(stored, now);
    if (typeof principal === 'string') return { failed: principal, method: 'api_key', keyId: stored.id };
    usage.record(stored.id, now);
    return principal;
  }
  if (authorization === undefined) return null;
  const bearer = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(authorization);
  if (!bearer) return { failed: 'malformed', method: 'bearer' };
  const claims = await auth.tokens.verify(bearer[1]!);
  return claims === null ? { failed: 'invalid_token', method: 'bearer' } : principalOfClaims(claims);
}

const methodOf = (request: FastifyRequest): Method => (request.headers['x-api-key'] !== undefined ? 'api_key' : 'bearer');

const record = (request: FastifyRequest, auth: AuthDeps, event: Parameters<typeof recordSecurityEvent>[1]): Promise<void> =>
  // A refusal is answered even when the store cannot take the event; the log says so.
  recordWith(auth, (e) => request.log.error({ err: e }, 'could not record a security event'))(event, metaOf(request));

/**
 * Enforces every route's declared access in one onRequest hook, before the body is even parsed:
 * 401 without valid credentials, 403 with valid ones lacking the scope. Both are security events
 * (except a request that sent no credentials at all, which is just a 401); repeated 401s from one
 * address are counted into one event per window, and past the limit the address gets 429 (auth-failures.ts).
 */
export const recordWith = (auth: AuthDeps, log: (e: unknown) => void) => (event: Parameters<typeof recordSecurityEvent>[1], meta: Parameters<typeof recordSecurityEvent>[2]): Promise<void> =>
  auth.store.run((tx) => recordSecurityEvent(tx, event, meta)).then(() => undefined, log);

/**
 * The refusal of a request without valid credentials: 401, or 429 past the address's failure limit (valid
 * credentials from it still pass, so that one client cannot shut out others behind the same address).
 * Records the failure and sets the headers; returns the error to answer with.
 */
async function refusal(request: FastifyRequest, reply: FastifyReply, outcome: Outcome, failures: AuthFailures): Promise<AppError> {
  const wait = failures.retryAfterSeconds(request.ip);
  if (wait > 0) {
    request.authFailure = 'rate_limited';
    await failures.refused(request.ip, { type: 'AuthenticationFailed', data: { method: methodOf(request), reason: 'rate_limited', keyId: null } }, metaOf(request));
    void reply.header('retry-after', String(wait));
    return new AppError('rate_limited', `too many failed authentications from this address; try again in ${wait} s`, { retryAfterSeconds: wait });
  }
  request.authFailure = outcome === null ? 'missing' : 'failed' in outcome ? outcome.failed : 'unauthenticated';
  const event = outcome !== null && 'failed' in outcome
    ? { type: 'AuthenticationFailed' as const, data: { method: outcome.method, reason: outcome.failed, keyId: outcome.keyId ?? null } }
    : null;
  await failures.refused(request.ip, event, metaOf(request));
  void reply.header('www-authenticate', 'Bearer realm="monitoring-grid"');
  return new AppError('unauthenticated', UNAUTHENTICATED);
}

/**
 * A GET of a route marked `confirmKeyWhileHandling` with a key this node has cached: the key is taken
 * at once and its confirmation (the fence round trip of key-lookup.ts, which sees every revocation
 * committed before the request) runs while the route computes its answer, instead of before. onSend
 * waits for it; a key revoked meanwhile gets the 401 the other path gives, never the answer.
 */
function speculate(request: FastifyRequest, auth: AuthDeps, lookup: KeyLookup, peek: (keyHash: string) => ApiKey | null, usage: UsageRecorder): boolean {
  const key = request.headers['x-api-key'];
  const access = request.routeOptions.config?.access;
  if (request.method !== 'GET' || !request.routeOptions.config?.confirmKeyWhileHandling || access === undefined || access === 'public') return false;
  if (typeof key !== 'string' || request.headers.authorization !== undefined || !isWellFormedApiKey(key)) return false;
  const hash = auth.digest(key);
  const cached = peek(hash);
  if (cached === null) return false;
  const principal = principalOfKey(cached, auth.clock.now());
  if (typeof principal === 'string' || decideAccess(access, principal) !== 'allow') return false;
  request.principal = principal;
  request.actor = principal.id;
  request.keyConfirmation = lookup(hash).then((stored) => {
    const now = auth.clock.now();
    const ok = stored !== null && stored.id === cached.id && typeof principalOfKey(stored, now) !== 'string';
    if (ok) usage.record(stored.id, now);
    return ok;
  });
  return true;
}

export async function registerAccessControl(
  app: FastifyInstance, auth: AuthDeps, lookup: KeyLookup, usage: UsageRecorder, failures: AuthFailures,
  peek: (keyHash: string) => ApiKey | null = () => null,
): Promise<void> {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  app.decorateRequest('keyConfirmation', null);
  // The API document's default is "X-API-Key or bearer"; public routes say they need neither.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access !== undefined && needsNoCredentials(access) && route.schema) route.schema = { ...route.schema, security: [] };
  });
  await app.register(rateLimit, { global: false });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config?.access;
    // Unknown routes answer 404; public and action-link routes read no credentials (scopes.ts says why).
    if (access === undefined || needsNoCredentials(access)) return;
    if (speculate(request, auth, lookup, peek, usage)) return;
    const outcome = await authenticate(request, auth, lookup, usage);
    if (outcome !== null && !('failed' in outcome)) {
      request.principal = outcome;
      request.actor = outcome.id;
    }
    const decision = decideAccess(access, request.principal);
    if (decision === 'allow') return;
    if (decision === 'unauthenticated') throw await refusal(request, reply, outcome, failures);
    const route = request.routeOptions.url ?? request.url;
    request.authFailure = 'forbidden';
    await record(request, auth, { type: 'PermissionDenied', data: { method: request.method, route, needed: access } });
    throw new AppError('forbidden', `this route needs the scope ${access}, which your credentials do not grant`);
  });
  // A speculated key (see speculate) is confirmed before any answer leaves, error answers included.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const confirmation = request.keyConfirmation;
    if (confirmation === null) return payload;
    request.keyConfirmation = null;
    const confirmed = await confirmation.catch((e: unknown) => e);
    if (confirmed === true) return payload;
    // Revoked (or expired) meanwhile, or the store could not say: the answer is dropped for a refusal.
    request.principal = null;
    request.actor = 'anonymous';
    const error = confirmed === false ? await refusal(request, reply, await authenticate(request, auth, lookup, usage).catch(() => null), failures)
      : new AppError('unavailable', 'could not check the API key; try again');
    const problem = problemOf(error, request);
    reply.removeHeader('etag');
    void reply.status(problem.status).type('application/problem+json');
    return JSON.stringify(problem);
  });
}

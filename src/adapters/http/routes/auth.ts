import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuthDeps, Principal } from '../../../core/auth/model.ts';
import { login, logout, refresh, type SessionResult } from '../../../core/auth/sessions.ts';
import { AppError } from '../../../core/errors.ts';
import { metaOf } from '../request-context.ts';
import { PrincipalView, LoginBody, RefreshBody, TokensView } from '../schemas/auth.ts';
import { problemResponses } from '../schemas/common.ts';

const tags = ['Authentication'];
const problems = { ...problemResponses, 429: problemResponses[400] };

export const principalView = (p: Principal) => ({
  kind: p.kind, id: p.id, name: p.name, scopes: [...p.scopes],
  ...(p.role ? { role: p.role } : {}), ...(p.owner ? { owner: p.owner } : {}),
});

function tokensOrRefuse(result: SessionResult, message: string) {
  if (!result.ok) throw new AppError('unauthenticated', message);
  const { user, tokens } = result;
  return { ...tokens, user: { id: user.id, username: user.username, role: user.role } };
}

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthDeps; rateLimitPerMinute: number }> = async (app, { auth, rateLimitPerMinute }) => {
  const rateLimit = { max: rateLimitPerMinute, timeWindow: 60_000 };

  app.post('/auth/login', {
    config: { access: 'public', rateLimit },
    schema: {
      tags, summary: 'Sign in: an access token (15 minutes) and a refresh token',
      description: 'Five failed attempts in a row lock the account for 15 minutes.',
      body: LoginBody, response: { 200: TokensView, ...problems },
    },
  }, async (request) => {
    const result = await login(auth, request.body.username, request.body.password, metaOf(request));
    if (!result.ok) request.authFailure = 'login_refused';
    return tokensOrRefuse(result, 'the username or password is wrong, or the account is locked for a while');
  });

  app.post('/auth/refresh', {
    config: { access: 'public', rateLimit },
    schema: { tags, summary: 'Exchange a refresh token for a new pair', body: RefreshBody, response: { 200: TokensView, ...problems } },
  }, async (request) => {
    const result = await refresh(auth, request.body.refreshToken, metaOf(request));
    if (!result.ok) request.authFailure = 'refresh_refused';
    return tokensOrRefuse(result, 'the refresh token is not valid; sign in again');
  });

  app.post('/auth/logout', {
    config: { access: 'authenticated', rateLimit },
    schema: { tags, summary: 'Sign out: the session\'s refresh tokens stop working', response: { 204: Type.Null(), ...problems } },
  }, async (request, reply) => {
    const p = request.principal!;
    if (p.kind !== 'user') throw new AppError('validation', 'an API key has no session; revoke it with DELETE /api/v1/apikey/{id}');
    await logout(auth, p.id, p.sessionId ?? null, metaOf(request));
    return reply.status(204).send(null);
  });

  app.get('/auth/me', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Who am I: the caller and its scopes', response: { 200: PrincipalView, ...problems } },
  }, async (request) => principalView(request.principal!));
};

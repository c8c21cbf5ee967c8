import { createAuthDeps } from '../../src/adapters/http/auth-deps.ts';
import { createApiKey, type ApiKeyInput } from '../../src/core/auth/api-key-commands.ts';
import { createUser } from '../../src/core/auth/user-commands.ts';
import type { TestApp } from './app.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
let n = 0;

/** A user straight in the store (as `monitoring-grid user create` would); returns its credentials. */
export async function givenUser(t: TestApp, role: 'admin' | 'editor' | 'viewer', password = `pw-${role}-correct-horse`) {
  const auth = createAuthDeps(t.store.db, t.deps.clock, t.deps.ids);
  const username = `${role}-${n++}`;
  const user = await createUser(auth, { username, role, password }, meta);
  return { user, username, password };
}

/** An API key straight in the store; returns the plain key. */
export async function givenKey(t: TestApp, input: Partial<ApiKeyInput> & { scopes: string[] }): Promise<{ id: string; key: string }> {
  const auth = createAuthDeps(t.store.db, t.deps.clock, t.deps.ids);
  const { apiKey, key } = await createApiKey(auth, { name: `key ${n++}`, ...input }, meta);
  return { id: apiKey.id, key };
}

/** Signs in through the API; returns the token pair. */
export async function signIn(t: TestApp, username: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const r = await t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
  return r.json();
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

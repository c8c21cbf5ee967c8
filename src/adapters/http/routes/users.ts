import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuthDeps, User } from '../../../core/auth/model.ts';
import { createUser, setUserActive } from '../../../core/auth/user-commands.ts';
import { notFound } from '../../../core/errors.ts';
import { metaOf } from '../request-context.ts';
import { UserCreateBody, UserPatchBody, UserView } from '../schemas/auth.ts';
import { IdParams, problemResponses } from '../schemas/common.ts';

const tags = ['Users'];

/** What the API shows of a user: never the password hash or the failed-login count. */
const view = (u: User) => ({
  id: u.id, username: u.username, role: u.role, active: u.active, lockedUntil: u.lockedUntil, createdAt: u.createdAt, updatedAt: u.updatedAt,
});

/** People who sign in to the dashboard: list, read, create, disable and enable. An administrator's job. */
export const userRoutes: FastifyPluginAsyncTypebox<{ auth: AuthDeps }> = async (app, { auth }) => {
  app.get('/users', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'List users, by username', response: { 200: Type.Object({ items: Type.Array(UserView) }), ...problemResponses } },
  }, async () => ({ items: (await auth.store.read.users.list()).map(view) }));

  // The address POST answers with in Location.
  app.get('/users/:id', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'One user', params: IdParams, response: { 200: UserView, ...problemResponses } },
  }, async (request) => {
    const user = await auth.store.read.users.get(request.params.id);
    if (user === null) throw notFound('user', request.params.id);
    return view(user);
  });

  app.post('/users', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'Create a user with a role and a password (at least 12 characters)', body: UserCreateBody, response: { 201: UserView, ...problemResponses } },
  }, async (request, reply) => {
    const user = await createUser(auth, request.body, metaOf(request));
    return reply.status(201).header('location', `/api/v1/users/${user.id}`).send(view(user));
  });

  app.patch('/users/:id', {
    config: { access: 'admin:*' },
    schema: {
      tags, summary: 'Disable or enable a user',
      description: 'A disabled user cannot sign in and their refresh tokens stop working at once; an access token already issued lasts until it expires.',
      params: IdParams, body: UserPatchBody, response: { 200: UserView, ...problemResponses },
    },
  }, async (request) => view(await setUserActive(auth, request.params.id, request.body.active, metaOf(request))));
};

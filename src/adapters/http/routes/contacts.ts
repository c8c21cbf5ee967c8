import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createContact, deleteContact, updateContact } from '../../../core/contacts/contact-commands.ts';
import { notFound } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import type { Queryable } from '../../storage/db.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { ContactCreateBody, ContactListQuery, ContactPatchBody, ContactView } from '../schemas/contact.ts';

const tags = ['Contacts'];

export const contactRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable } }> = async (app, { deps }) => {
  const contacts = deps.uow.read.contacts;

  app.get('/contacts', {
    config: { access: 'contacts:read' },
    schema: { tags, summary: 'List contacts', querystring: ContactListQuery, response: { 200: pageOf(ContactView), ...problemResponses } },
  }, async (request) => contacts.list({ ...request.query, limit: request.query.limit ?? 50 }));

  app.post('/contacts', {
    config: { access: 'contacts:write' },
    schema: { tags, summary: 'Create a contact', body: ContactCreateBody, response: { 201: ContactView, ...problemResponses } },
  }, async (request, reply) => {
    const contact = await createContact(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(contact.version)).header('location', `/api/v1/contacts/${contact.id}`).send(contact);
  });

  app.get('/contacts/:id', {
    config: { access: 'contacts:read' },
    schema: { tags, summary: 'Read a contact', params: IdParams, querystring: AsOfQuery, response: { 200: ContactView, ...problemResponses } },
  }, async (request, reply) => {
    const contact = request.query.asOf !== undefined ? await entityAsOf(deps.db, 'contact', request.params.id, request.query.asOf) : await contacts.get(request.params.id);
    if (contact === null) throw notFound('contact', request.params.id);
    return reply.header('etag', etagOf(contact.version)).send(contact);
  });

  app.patch('/contacts/:id', {
    config: { access: 'contacts:write' },
    schema: { tags, summary: 'Change a contact', params: IdParams, headers: IfMatchHeaders, body: ContactPatchBody, response: { 200: ContactView, ...problemResponses } },
  }, async (request, reply) => {
    const contact = await updateContact(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(contact.version)).send(contact);
  });

  app.delete('/contacts/:id', {
    config: { access: 'contacts:write' },
    schema: { tags, summary: 'Delete a contact no KPI uses', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteContact(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};

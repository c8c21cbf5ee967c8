import { conflict, invalid } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { contactFromInput, diffContact, validateContact, type Contact, type ContactInput } from './contact.ts';

const loadContact = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<Contact> =>
  loadForChange((x) => tx.contacts.get(x), 'contact', id, expectedVersion);

async function checkNameFree(tx: TxPorts, name: string, selfId?: string): Promise<void> {
  const other = await tx.contacts.findByName(name);
  if (other !== null && other.id !== selfId) throw conflict(`a contact named ${name} exists already`, { id: other.id });
}

export async function createContact(deps: CommandDeps, input: ContactInput, meta: EventMeta): Promise<Contact> {
  const now = deps.clock.now();
  const fields = contactFromInput(input);
  const errors = validateContact(fields);
  if (errors.length > 0) throw invalid(errors);
  return deps.uow.run(async (tx) => {
    await checkNameFree(tx, fields.name);
    const contact: Contact = { ...fields, id: deps.ids.next('contact'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.contact(contact.id), 'no_stream', [{ type: 'ContactCreated', data: { id: contact.id, contact: fields } }], meta);
    await tx.contacts.insert(contact);
    return contact;
  });
}

export async function updateContact(deps: CommandDeps, id: string, patch: ContactInput, expectedVersion: number | undefined, meta: EventMeta): Promise<Contact> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadContact(tx, id, expectedVersion);
    const next = contactFromInput(patch, current);
    const changes = diffContact(current, next);
    if (!hasChanges(changes)) return current;
    const errors = validateContact(next);
    if (errors.length > 0) throw invalid(errors);
    if (next.name !== current.name) await checkNameFree(tx, next.name, id);
    const version = await tx.events.append(streamIds.contact(id), current.version, [{ type: 'ContactUpdated', data: { id, changes } }], meta);
    const updated: Contact = { ...current, ...next, version, updatedAt: now };
    await tx.contacts.update(updated);
    return updated;
  });
}

/** A contact that KPIs still notify cannot be deleted: the conflict names those KPIs. */
export async function deleteContact(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadContact(tx, id, expectedVersion);
    const users = await tx.kpis.referencing({ contactId: id });
    if (users.length > 0) throw conflict(`contact ${id} is a contact of KPIs ${users.join(', ')}; remove it from them first`, { kpiIds: users });
    const chains = await tx.escalationChains.referencing({ type: 'contact', id });
    if (chains.length > 0) throw conflict(`contact ${id} is named by escalation chains ${chains.join(', ')}; remove it from them first`, { escalationChainIds: chains });
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...fields } = current;
    await tx.events.append(streamIds.contact(id), current.version, [{ type: 'ContactDeleted', data: { id, contact: fields } }], meta);
    await tx.contacts.remove(id);
  });
}

import type { Contact } from '../../core/contacts/contact.ts';
import type { ContactRepo, Page } from '../../core/ports.ts';
import { conflict } from '../../core/errors.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface ContactRow {
  id: string; name: string; email: string | null; phone: string | null; active: boolean; version: number;
  created_at: Date; updated_at: Date;
}

export const toContact = (r: ContactRow): Contact => ({
  id: r.id, name: r.name, email: r.email, phone: r.phone, active: r.active, version: r.version,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export async function getContact(db: Queryable, id: string): Promise<Contact | null> {
  const { rows } = await db.query<ContactRow>('SELECT * FROM contacts WHERE id = $1', [id]);
  return rows[0] ? toContact(rows[0]) : null;
}

export async function getContacts(db: Queryable, ids: readonly string[]): Promise<Contact[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ContactRow>('SELECT * FROM contacts WHERE id = ANY ($1) ORDER BY id', [ids]);
  return rows.map(toContact);
}

export async function findContactByName(db: Queryable, name: string): Promise<Contact | null> {
  const { rows } = await db.query<ContactRow>('SELECT * FROM contacts WHERE name = $1', [name]);
  return rows[0] ? toContact(rows[0]) : null;
}

export async function listContacts(db: Queryable, f: { active?: boolean | undefined; q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<Contact>> {
  const where = new Where();
  if (f.active !== undefined) where.add((p) => `active = ${p}`, f.active);
  if (f.q) where.add((p) => `(name ILIKE ${p} OR email ILIKE ${p})`, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<ContactRow>(`SELECT * FROM contacts ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toContact), f.limit);
}

/** Two writers that both found the name free: the second is a conflict, as if it had looked after the first. */
const rethrowUnique = (c: Contact) => (e: unknown): never => {
  if (sqlState(e) === UNIQUE_VIOLATION) throw conflict(`a contact named ${c.name} exists already`);
  throw e;
};

export async function insertContact(db: Queryable, c: Contact): Promise<void> {
  await db.query(
    'INSERT INTO contacts (id, name, email, phone, active, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [c.id, c.name, c.email, c.phone, c.active, c.version, c.createdAt, c.updatedAt],
  ).catch(rethrowUnique(c));
}

export async function updateContactRow(db: Queryable, c: Contact): Promise<void> {
  await db.query(
    'UPDATE contacts SET name = $2, email = $3, phone = $4, active = $5, version = $6, updated_at = $7 WHERE id = $1',
    [c.id, c.name, c.email, c.phone, c.active, c.version, c.updatedAt],
  ).catch(rethrowUnique(c));
}

export async function deleteContactRow(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM contacts WHERE id = $1', [id]);
}

export const contactRepo = (db: Queryable): ContactRepo => ({
  get: (id) => getContact(db, id),
  getMany: (ids) => getContacts(db, ids),
  findByName: (name) => findContactByName(db, name),
  list: (f) => listContacts(db, f),
  insert: (c) => insertContact(db, c),
  update: (c) => updateContactRow(db, c),
  remove: (id) => deleteContactRow(db, id),
});

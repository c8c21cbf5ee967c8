import type { EscalationChain } from '../../core/escalation/chain.ts';
import type { EscalationChainRepo } from '../../core/escalation/chain-ports.ts';
import type { Page } from '../../core/ports.ts';
import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface ChainRow {
  id: string; name: string; steps: EscalationChain['steps']; version: number; created_at: Date; updated_at: Date;
}

export const toEscalationChain = (r: ChainRow): EscalationChain => ({
  id: r.id, name: r.name, steps: r.steps, version: r.version, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

export async function insertEscalationChain(db: Queryable, c: EscalationChain): Promise<void> {
  await db.query('INSERT INTO escalation_chains (id, name, steps, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [c.id, c.name, JSON.stringify(c.steps), c.version, c.createdAt, c.updatedAt]);
}

async function getRow(db: Queryable, where: 'id' | 'name', value: string, lock = false): Promise<EscalationChain | null> {
  const { rows } = await db.query<ChainRow>(`SELECT * FROM escalation_chains WHERE ${where} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
  return rows[0] ? toEscalationChain(rows[0]) : null;
}

async function listRows(db: Queryable, f: { cursor?: string | undefined; limit: number }): Promise<Page<EscalationChain>> {
  const where = new Where();
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<ChainRow>(`SELECT * FROM escalation_chains ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toEscalationChain), f.limit);
}

export const escalationChainRepo = (db: Queryable): EscalationChainRepo => ({
  get: (id) => getRow(db, 'id', id),
  lock: (id) => getRow(db, 'id', id, true),
  findByName: (name) => getRow(db, 'name', name),
  list: (f) => listRows(db, f),
  // jsonb containment: some step has a target of this type and id (whatever its kinds).
  referencing: async (ref) => (await db.query<{ id: string }>('SELECT id FROM escalation_chains WHERE steps @> $1::jsonb ORDER BY id',
    [JSON.stringify([{ targets: [{ type: ref.type, id: ref.id }] }])])).rows.map((r) => r.id),
  insert: (c) => insertEscalationChain(db, c),
  update: async (c) =>
    void (await db.query('UPDATE escalation_chains SET name = $2, steps = $3, version = $4, updated_at = $5 WHERE id = $1', [c.id, c.name, JSON.stringify(c.steps), c.version, c.updatedAt])),
  remove: async (id) => void (await db.query('DELETE FROM escalation_chains WHERE id = $1', [id])),
});

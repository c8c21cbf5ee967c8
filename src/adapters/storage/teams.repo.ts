import { conflict } from '../../core/errors.ts';
import type { Page } from '../../core/ports.ts';
import type { Team } from '../../core/routing/team.ts';
import type { TeamRepo } from '../../core/routing/routing-ports.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface TeamRow {
  id: string; name: string; description: string | null; members: string[]; channels: string[]; version: number; created_at: Date; updated_at: Date;
}

export const toTeam = (r: TeamRow): Team => ({
  id: r.id, name: r.name, description: r.description, members: r.members, channels: r.channels, version: r.version,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const values = (t: Team): unknown[] => [t.id, t.name, t.description, JSON.stringify(t.members), JSON.stringify(t.channels), t.version, t.createdAt, t.updatedAt];

const rethrowUnique = (t: Team) => (e: unknown): never => {
  if (sqlState(e) === UNIQUE_VIOLATION) throw conflict(`a team named ${t.name} exists already`);
  throw e;
};

export async function getTeam(db: Queryable, id: string): Promise<Team | null> {
  const { rows } = await db.query<TeamRow>('SELECT * FROM teams WHERE id = $1', [id]);
  return rows[0] ? toTeam(rows[0]) : null;
}

export async function listTeams(db: Queryable, f: { cursor?: string | undefined; limit: number }): Promise<Page<Team>> {
  const where = new Where();
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<TeamRow>(`SELECT * FROM teams ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toTeam), f.limit);
}

export async function insertTeam(db: Queryable, t: Team): Promise<void> {
  await db.query('INSERT INTO teams (id, name, description, members, channels, version, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)', values(t))
    .catch(rethrowUnique(t));
}

export const teamRepo = (db: Queryable): TeamRepo => ({
  get: (id) => getTeam(db, id),
  getMany: async (ids) => (ids.length === 0 ? [] : (await db.query<TeamRow>('SELECT * FROM teams WHERE id = ANY ($1) ORDER BY id', [ids])).rows.map(toTeam)),
  findByName: async (name) => {
    const { rows } = await db.query<TeamRow>('SELECT * FROM teams WHERE name = $1', [name]);
    return rows[0] ? toTeam(rows[0]) : null;
  },
  all: async () => (await db.query<TeamRow>('SELECT * FROM teams ORDER BY name')).rows.map(toTeam),
  list: (f) => listTeams(db, f),
  referencing: async ({ contactId, channelId }) => {
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM teams WHERE ($1::text IS NOT NULL AND members @> jsonb_build_array($1::text)) OR ($2::text IS NOT NULL AND channels @> jsonb_build_array($2::text)) ORDER BY id',
      [contactId ?? null, channelId ?? null],
    );
    return rows.map((r) => r.id);
  },
  insert: (t) => insertTeam(db, t),
  update: async (t) => void (await db.query(
    'UPDATE teams SET name = $2, description = $3, members = $4::jsonb, channels = $5::jsonb, version = $6, created_at = $7, updated_at = $8 WHERE id = $1', values(t),
  ).catch(rethrowUnique(t))),
  remove: async (id) => void (await db.query('DELETE FROM teams WHERE id = $1', [id])),
});

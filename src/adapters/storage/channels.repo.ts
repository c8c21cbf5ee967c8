import type { ChannelKind, NotificationChannel } from '../../core/channels/channel.ts';
import { conflict } from '../../core/errors.ts';
import type { ChannelRepo } from '../../core/ports.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from './db.ts';

interface ChannelRow {
  id: string; name: string; kind: ChannelKind; settings: Record<string, string>; sealed_secrets: string | null; secret_names: string[];
  kpis: string[] | null; owners: string[] | null; active: boolean; version: number; created_at: Date; updated_at: Date;
}

export const toChannel = (r: ChannelRow): NotificationChannel => ({
  id: r.id, name: r.name, kind: r.kind, settings: r.settings, sealedSecrets: r.sealed_secrets, secretNames: r.secret_names,
  kpis: r.kpis, owners: r.owners, active: r.active, version: r.version, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const COLUMNS = 'id, name, kind, settings, sealed_secrets, secret_names, kpis, owners, active, version, created_at, updated_at';
const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
const values = (c: NotificationChannel): unknown[] => [
  c.id, c.name, c.kind, json(c.settings), c.sealedSecrets, json(c.secretNames), json(c.kpis), json(c.owners), c.active, c.version, c.createdAt, c.updatedAt,
];
const PLACEHOLDERS = '$1, $2, $3, $4::jsonb, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12';

const rethrowUnique = (c: NotificationChannel) => (e: unknown): never => {
  if (sqlState(e) === UNIQUE_VIOLATION) throw conflict(`a channel named ${c.name} exists already`);
  throw e;
};

export async function getChannel(db: Queryable, id: string): Promise<NotificationChannel | null> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function findChannelByName(db: Queryable, name: string): Promise<NotificationChannel | null> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE name = $1', [name]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function listChannels(db: Queryable): Promise<NotificationChannel[]> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels ORDER BY id');
  return rows.map(toChannel);
}

export async function insertChannel(db: Queryable, c: NotificationChannel): Promise<void> {
  await db.query(`INSERT INTO channels (${COLUMNS}) VALUES (${PLACEHOLDERS})`, values(c)).catch(rethrowUnique(c));
}

export async function updateChannelRow(db: Queryable, c: NotificationChannel): Promise<void> {
  const sets = COLUMNS.split(', ').slice(1).map((col, i) => `${col} = ${PLACEHOLDERS.split(', ')[i + 1]}`).join(', ');
  await db.query(`UPDATE channels SET ${sets} WHERE id = $1`, values(c)).catch(rethrowUnique(c));
}

export const channelRepo = (db: Queryable): ChannelRepo => ({
  get: (id) => getChannel(db, id),
  findByName: (name) => findChannelByName(db, name),
  all: () => listChannels(db),
  insert: (c) => insertChannel(db, c),
  update: (c) => updateChannelRow(db, c),
  remove: async (id) => void (await db.query('DELETE FROM channels WHERE id = $1', [id])),
});

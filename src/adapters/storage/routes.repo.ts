import type { DefaultRoute, RouteMatch, RouteRule } from '../../core/routing/route.ts';
import { EMPTY_DEFAULT_ROUTE } from '../../core/routing/route.ts';
import type { RouteRepo } from '../../core/routing/routing-ports.ts';
import type { Queryable } from './db.ts';

interface RouteRow {
  id: string; name: string; position: number; match: RouteMatch; teams: string[]; channels: string[]; escalation_chain_id: string | null;
  continue: boolean; version: number; created_at: Date; updated_at: Date;
}
interface DefaultRow { teams: string[]; channels: string[]; escalation_chain_id: string | null; version: number; updated_at: Date }

export const toRoute = (r: RouteRow): RouteRule => ({
  id: r.id, name: r.name, position: r.position, match: r.match, teams: r.teams, channels: r.channels, escalationChainId: r.escalation_chain_id,
  continue: r.continue, version: r.version, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const values = (r: RouteRule): unknown[] => [
  r.id, r.name, r.position, JSON.stringify(r.match), JSON.stringify(r.teams), JSON.stringify(r.channels), r.escalationChainId, r.continue, r.version, r.createdAt, r.updatedAt,
];

export async function insertRoute(db: Queryable, r: RouteRule): Promise<void> {
  await db.query(
    `INSERT INTO routes (id, name, position, match, teams, channels, escalation_chain_id, continue, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11)`, values(r),
  );
}

/** The default route as replay rebuilds it (the fold's state of `defaultroute-default`). */
export async function insertDefaultRoute(db: Queryable, d: Omit<DefaultRoute, 'updatedAt'> & { updatedAt: Date }): Promise<void> {
  await db.query(
    `INSERT INTO default_route (id, teams, channels, escalation_chain_id, version, updated_at) VALUES ('default', $1::jsonb, $2::jsonb, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET teams = EXCLUDED.teams, channels = EXCLUDED.channels, escalation_chain_id = EXCLUDED.escalation_chain_id,
       version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [JSON.stringify(d.teams), JSON.stringify(d.channels), d.escalationChainId, d.version, d.updatedAt],
  );
}

export const routeRepo = (db: Queryable): RouteRepo => ({
  get: async (id) => {
    const { rows } = await db.query<RouteRow>('SELECT * FROM routes WHERE id = $1', [id]);
    return rows[0] ? toRoute(rows[0]) : null;
  },
  all: async () => (await db.query<RouteRow>('SELECT * FROM routes ORDER BY position, id')).rows.map(toRoute),
  lastPosition: async () => (await db.query<{ last: number | null }>('SELECT max(position) AS last FROM routes')).rows[0]?.last ?? null,
  referencing: async ({ teamId, channelId }) => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM (SELECT id, position, teams, channels FROM routes UNION ALL SELECT id, -1, teams, channels FROM default_route) r
       WHERE ($1::text IS NOT NULL AND teams @> jsonb_build_array($1::text)) OR ($2::text IS NOT NULL AND channels @> jsonb_build_array($2::text))
       ORDER BY position, id`,
      [teamId ?? null, channelId ?? null],
    );
    return rows.map((r) => r.id);
  },
  insert: (r) => insertRoute(db, r),
  update: async (r) => void (await db.query(
    `UPDATE routes SET name = $2, position = $3, match = $4::jsonb, teams = $5::jsonb, channels = $6::jsonb, escalation_chain_id = $7, continue = $8,
       version = $9, created_at = $10, updated_at = $11 WHERE id = $1`, values(r),
  )),
  remove: async (id) => void (await db.query('DELETE FROM routes WHERE id = $1', [id])),
  getDefault: async () => {
    const { rows } = await db.query<DefaultRow>('SELECT * FROM default_route');
    const r = rows[0];
    return r ? { teams: r.teams, channels: r.channels, escalationChainId: r.escalation_chain_id, version: r.version, updatedAt: new Date(r.updated_at) } : EMPTY_DEFAULT_ROUTE;
  },
  saveDefault: (d) => insertDefaultRoute(db, d),
});

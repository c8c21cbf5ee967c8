import { Type } from 'typebox';
import { AppError, notFound } from '../../core/errors.ts';
import { eventsUpTo, foldEntity, parseAsOf, type EntityOf, type FoldableType } from '../../core/replay/fold.ts';
import { readStream } from '../event-store/event-store.ts';
import type { Queryable } from '../storage/db.ts';

export const AsOfQuery = Type.Object({
  asOf: Type.Optional(Type.String({ maxLength: 40, description: 'A version (3) or an ISO 8601 time: the entity as it was then, rebuilt from its events' })),
}, { additionalProperties: false });

const NOUN: Record<FoldableType, string> = { kpi: 'KPI', contact: 'contact', datasource: 'data source', silence: 'silence', channel: 'channel', maintenancewindow: 'maintenance window',
  team: 'team', route: 'route', defaultroute: 'default route', escalationchain: 'escalation chain' };

/**
 * An entity as of a version or a time, folded from its stream; works for deleted entities too (their
 * stream stays). Before it existed, after it was deleted, or a version it has not reached, is a 404 that
 * says which.
 */
export async function entityAsOf<T extends FoldableType>(db: Queryable, type: T, id: string, raw: string): Promise<EntityOf[T]> {
  const asOf = parseAsOf(raw);
  const events = await readStream(db, `${type}-${id}`, 1, 1_000_000);
  if (events.length === 0) throw notFound(NOUN[type], id);
  const latest = events.at(-1)!.streamVersion;
  if ('version' in asOf && asOf.version > latest) {
    throw new AppError('not_found', `${NOUN[type]} ${id} has no version ${asOf.version} (it is at version ${latest})`, { id, version: latest });
  }
  const upTo = eventsUpTo(events, asOf);
  const state = foldEntity(type, upTo);
  if (state !== null) return state;
  const when = 'version' in asOf ? `version ${asOf.version}` : asOf.at.toISOString();
  const why = upTo.length === 0 ? 'did not exist yet' : 'was deleted';
  throw new AppError('not_found', `${NOUN[type]} ${id} ${why} at ${when}`, { id });
}

import { entityOfStream } from '../../core/audit/audit-entry.ts';
import type { RecordedEvent } from '../../core/ports.ts';
import { foldEntity, isFoldable, type FoldableType } from '../../core/replay/fold.ts';
import { AUDIT_SUBSCRIPTION, projectAudit } from '../audit/audit-projection.ts';
import type { SubscribedEvent } from '../event-store/subscription.ts';
import { insertChannel } from '../storage/channels.repo.ts';
import { insertContact } from '../storage/contacts.repo.ts';
import { insertDataSource } from '../storage/data-sources.repo.ts';
import type { Queryable } from '../storage/db.ts';
import { insertKpi } from '../storage/kpis.repo.ts';
import { insertSilence } from '../storage/silences.repo.ts';
import { insertMaintenanceWindow } from '../storage/maintenance-windows.repo.ts';
import { insertEscalationChain } from '../storage/escalation-chains.repo.ts';
import { insertDefaultRoute, insertRoute } from '../storage/routes.repo.ts';
import { insertTeam } from '../storage/teams.repo.ts';

/**
 * A read model that replay can rebuild: its tables, and how to fill them from the events. Replay runs
 * `rebuild` with the search path set to a fresh schema, so the usual repository functions, which name
 * tables unqualified, write into the fresh tables. A feature with its own read model adds an entry.
 */
export interface ReplayableReadModel {
  readonly name: string;
  /**
   * Table and the column that identifies a row; `bookkeeping`: columns that are not state from the
   * events but the service's own notes (the scheduler's schedule_dirty flag), left out of the comparison.
   */
  readonly tables: readonly { readonly table: string; readonly key: string; readonly bookkeeping?: readonly string[] }[];
  /** Events of one stream (version order), called per stream in stream-id order. */
  readonly onStream?: (q: Queryable, streamId: string, events: readonly RecordedEvent[]) => Promise<void>;
  /** Every event in commit order, in batches. */
  readonly onBatch?: (q: Queryable, events: readonly SubscribedEvent[]) => Promise<void>;
}

const INSERT: { [T in FoldableType]: (q: Queryable, entity: never) => Promise<void> } = {
  kpi: insertKpi, contact: insertContact, datasource: insertDataSource, silence: insertSilence, channel: insertChannel, maintenancewindow: insertMaintenanceWindow,
  team: insertTeam, route: insertRoute, defaultroute: insertDefaultRoute, escalationchain: insertEscalationChain,
};

/**
 * A stream whose events do not make a row (an event of an older version that no fold or upcast knows
 * how to read): replay reports it and goes on with the others, rather than failing as a whole.
 */
export class UnreadableStream extends Error {
  constructor(readonly streamId: string, readonly entityId: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** KPIs, contacts, data sources, silences, channels, maintenance windows, teams and routes: the state tables written in the same transaction as their events. */
export const entityTables: ReplayableReadModel = {
  name: 'entities',
  tables: [{ table: 'data_sources', key: 'id' }, { table: 'contacts', key: 'id' }, { table: 'kpis', key: 'id', bookkeeping: ['schedule_dirty'] }, { table: 'silences', key: 'id' }, { table: 'channels', key: 'id' }, { table: 'maintenance_windows', key: 'id' },
    { table: 'teams', key: 'id' }, { table: 'routes', key: 'id' }, { table: 'default_route', key: 'id' }, { table: 'escalation_chains', key: 'id' }],
  async onStream(q, streamId, events) {
    const { entityType, entityId } = entityOfStream(streamId);
    if (!isFoldable(entityType)) return;
    let state;
    try {
      state = foldEntity(entityType, events);
    } catch (e) {
      throw new UnreadableStream(streamId, entityId, e);
    }
    if (state === null) return;
    // A failed insert would end the replay's transaction: the savepoint keeps it to this stream.
    await q.query('SAVEPOINT replay_entity');
    try {
      await INSERT[entityType](q, state as never);
    } catch (e) {
      await q.query('ROLLBACK TO SAVEPOINT replay_entity');
      throw new UnreadableStream(streamId, entityId, e);
    }
    await q.query('RELEASE SAVEPOINT replay_entity');
  },
};

/**
 * The audit trail, rebuilt only up to where the live projection's checkpoint stands, so a projection
 * that merely lags is not reported as a difference.
 */
export const auditTrail: ReplayableReadModel = {
  name: 'audit trail',
  tables: [{ table: 'audit_entries', key: 'position' }, { table: 'audit_entity_names', key: "entity_type || '/' || entity_id" }],
  async onBatch(q, events) {
    const { rows } = await q.query<{ xid_text: string; position: number }>(
      'SELECT transaction_id::text AS xid_text, position FROM public.subscription_checkpoints WHERE name = $1', [AUDIT_SUBSCRIPTION],
    );
    const cp = rows[0];
    if (!cp) return;
    const seen = events.filter((e) => BigInt(e.checkpoint.transactionId) < BigInt(cp.xid_text)
      || (e.checkpoint.transactionId === cp.xid_text && e.position <= Number(cp.position)));
    if (seen.length > 0) await projectAudit(q, seen);
  },
};

export const READ_MODELS: readonly ReplayableReadModel[] = [entityTables, auditTrail];

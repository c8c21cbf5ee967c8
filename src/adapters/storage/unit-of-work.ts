import type { DomainEvent } from '../../core/events.ts';
import type { Clock, TxPorts, UnitOfWork } from '../../core/ports.ts';
import { appendEvents } from '../event-store/event-store.ts';
import { channelRepo } from './channels.repo.ts';
import { contactRepo } from './contacts.repo.ts';
import { dataSourceRepo } from './data-sources.repo.ts';
import type { Db, Queryable } from './db.ts';
import { executionRepo, seriesHistories, type HistoryRequest } from './executions.repo.ts';
import { createGroupCommit } from '../../core/executions/group-commit.ts';
import type { ExecutionRepo } from '../../core/executions/ports.ts';
import type { SeriesPast } from '../../core/executions/judge-series.ts';
import { kpiRepo } from './kpis.repo.ts';
import { alertRepo } from './alerts.repo.ts';
import { outboxRepo } from './outbox.repo.ts';
import { silenceRepo } from './silences.repo.ts';
import { maintenanceWindowRepo } from './maintenance-windows.repo.ts';
import { escalationChainRepo } from './escalation-chains.repo.ts';
import { routeRepo } from './routes.repo.ts';
import { teamRepo } from './teams.repo.ts';

/** Told of every committed append (metrics): after its transaction commits, never for a rolled-back one. */
export type AppendObserver = (events: readonly DomainEvent[]) => void;

const portsOn = (q: Queryable, clock: Clock, observe?: AppendObserver, history?: ExecutionRepo['seriesHistory']): TxPorts => ({
  events: {
    append: async (streamId, expected, events, meta) => {
      const version = await appendEvents(q, clock, streamId, expected, events, meta);
      observe?.(events);
      return version;
    },
  },
  kpis: kpiRepo(q),
  contacts: contactRepo(q),
  dataSources: dataSourceRepo(q),
  channels: channelRepo(q),
  executions: executionRepo(q, history),
  alerts: alertRepo(q),
  outbox: outboxRepo(q),
  silences: silenceRepo(q),
  maintenanceWindows: maintenanceWindowRepo(q),
  escalationChains: escalationChainRepo(q),
  teams: teamRepo(q),
  routes: routeRepo(q),
});

/**
 * Series history look-ups outside a transaction, put together: the runs that ask while a look-up is in
 * flight are answered by the next one, in one query (see group-commit.ts). Tens of runs finishing their
 * source queries at once cost one round trip, not tens.
 */
function batchedHistory(db: Db): ExecutionRepo['seriesHistory'] {
  let n = 0;
  const batch = createGroupCommit<HistoryRequest, ReadonlyMap<string, SeriesPast>>((requests) => seriesHistories(db, requests), { maxBatch: 100, key: () => String(n++) });
  return (kpiId, keys, plan) => batch.submit({ kpiId, keys, plan });
}

/** Binds the core's ports to one transaction of the store. */
export function createUnitOfWork(db: Db, clock: Clock, observe?: AppendObserver): UnitOfWork {
  const history = batchedHistory(db);
  return {
    async run(work) {
      if (!observe) return db.transaction((tx) => work(portsOn(tx, clock)));
      // Appends are held until the commit: a counter must not count what a rollback undoes.
      const appended: DomainEvent[] = [];
      const result = await db.transaction((tx) => work(portsOn(tx, clock, (events) => void appended.push(...events))));
      if (appended.length > 0) observe(appended);
      return result;
    },
    read: portsOn(db, clock, observe, history),
  };
}

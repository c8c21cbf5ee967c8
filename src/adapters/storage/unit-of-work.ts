import type { DomainEvent } from '../../core/events.ts';
import type { Clock, TxPorts, UnitOfWork } from '../../core/ports.ts';
import { appendEvents } from '../event-store/event-store.ts';
import { contactRepo } from './contacts.repo.ts';
import { dataSourceRepo } from './data-sources.repo.ts';
import type { Db, Queryable } from './db.ts';
import { executionRepo } from './executions.repo.ts';
import { kpiRepo } from './kpis.repo.ts';
import { alertRepo } from './alerts.repo.ts';
import { outboxRepo } from './outbox.repo.ts';
import { silenceRepo } from './silences.repo.ts';
import { maintenanceWindowRepo } from './maintenance-windows.repo.ts';

/** Told of every committed append (metrics): after its transaction commits, never for a rolled-back one. */
export type AppendObserver = (events: readonly DomainEvent[]) => void;

const portsOn = (q: Queryable, clock: Clock, observe?: AppendObserver): TxPorts => ({
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
  executions: executionRepo(q),
  alerts: alertRepo(q),
  outbox: outboxRepo(q),
  silences: silenceRepo(q),
  maintenanceWindows: maintenanceWindowRepo(q),
});

/** Binds the core's ports to one transaction of the store. */
export function createUnitOfWork(db: Db, clock: Clock, observe?: AppendObserver): UnitOfWork {
  return {
    async run(work) {
      if (!observe) return db.transaction((tx) => work(portsOn(tx, clock)));
      // Appends are held until the commit: a counter must not count what a rollback undoes.
      const appended: DomainEvent[] = [];
      const result = await db.transaction((tx) => work(portsOn(tx, clock, (events) => void appended.push(...events))));
      if (appended.length > 0) observe(appended);
      return result;
    },
    read: portsOn(db, clock, observe),
  };
}

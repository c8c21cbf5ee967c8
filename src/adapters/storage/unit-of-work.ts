import type { Clock, TxPorts, UnitOfWork } from '../../core/ports.ts';
import { appendEvents } from '../event-store/event-store.ts';
import { contactRepo } from './contacts.repo.ts';
import { dataSourceRepo } from './data-sources.repo.ts';
import type { Db, Queryable } from './db.ts';
import { kpiRepo } from './kpis.repo.ts';
import { alertRepo } from './alerts.repo.ts';
import { outboxRepo } from './outbox.repo.ts';

const portsOn = (q: Queryable, clock: Clock): TxPorts => ({
  events: { append: (streamId, expected, events, meta) => appendEvents(q, clock, streamId, expected, events, meta) },
  kpis: kpiRepo(q),
  contacts: contactRepo(q),
  dataSources: dataSourceRepo(q),
  alerts: alertRepo(q),
  outbox: outboxRepo(q),
});

/** Binds the core's ports to one transaction of the store. */
export function createUnitOfWork(db: Db, clock: Clock): UnitOfWork {
  return {
    run: (work) => db.transaction((tx) => work(portsOn(tx, clock))),
    read: portsOn(db, clock),
  };
}

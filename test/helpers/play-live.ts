import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { defaultAlertSettings } from '../../src/adapters/delivery/alerting.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createScheduler } from '../../src/adapters/scheduler/scheduler.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import type { Db } from '../../src/adapters/storage/db.ts';
import { createUnitOfWork } from '../../src/adapters/storage/unit-of-work.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { NO_SPREAD } from '../../src/core/kpis/spread.ts';
import type { SecretBox } from '../../src/core/ports.ts';
import type { TestClock } from './clock.ts';

/**
 * Plays the store's active KPIs live: the real scheduler with the alert listener, the clock set one
 * second after each of `slots` slots from `first` (ms) every `stepMs`. Call it with the clock one minute
 * before `first`, so that the schedules are synced and their first slot is `first`. Runs start at their
 * slots (NO_SPREAD), as the one-second steps need.
 */
export async function playLive(db: Db, clock: TestClock, o: { first: number; stepMs: number; slots: number; secrets?: SecretBox }): Promise<void> {
  const ids = createIdGenerator(clock);
  const sources = createSourceRegistry({ secrets: o.secrets ?? createSecretBox(randomBytes(32)), env: () => undefined });
  const exec = {
    uow: createUnitOfWork(db, clock), clock, ids, sources, nodeId: 'nod_live', alertPolicy: DEFAULT_ALERT_POLICY,
    listeners: [alertOnExecutions({ clock, ids, settings: defaultAlertSettings() })],
  };
  const scheduler = createScheduler({ db, exec }, { maxParallel: 1, spread: NO_SPREAD });
  await scheduler.tick();
  for (let i = 0; i < o.slots; i++) {
    clock.set(new Date(o.first + i * o.stepMs + 1000).toISOString());
    await scheduler.tick();
    await scheduler.idle();
  }
  await scheduler.stop(0);
  await sources.close();
}

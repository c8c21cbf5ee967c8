import type { Clock } from '../../core/ports.ts';
import type { Outage } from '../../core/demo/payments-model.ts';
import { openDemoDatabase, type DemoDatabase } from './demo-database.ts';

export interface DemoRunnerOptions {
  readonly file: string;
  readonly clock: Clock;
  /** Minutes after start when deposits fail; default 3. */
  readonly outageAfterMinutes?: number;
  /** How long the outage lasts; default 4. */
  readonly outageMinutes?: number;
  /** How often new rows are appended, in ms; default 5000. */
  readonly appendEveryMs?: number;
  /** History written at first start; default 5 weeks. */
  readonly historyWeeks?: number;
  readonly onError: (e: unknown) => void;
}

export interface DemoRunner {
  readonly outage: Outage;
  /** Appends the rows up to now; the timer calls it, tests may too. */
  tick(): number;
  stop(): void;
}

/**
 * Keeps the demo database live: appends the transactions of the passing minutes, and injects one
 * deposit outage a few minutes after start that recovers by itself.
 */
export function startDemoRunner(o: DemoRunnerOptions): DemoRunner {
  const startedAt = o.clock.now().getTime();
  const outage: Outage = {
    from: startedAt + (o.outageAfterMinutes ?? 3) * 60_000,
    until: startedAt + ((o.outageAfterMinutes ?? 3) + (o.outageMinutes ?? 4)) * 60_000,
  };
  const db: DemoDatabase = openDemoDatabase(o.file, startedAt, o.historyWeeks ?? 5);
  const tick = (): number => db.appendUntil(o.clock.now().getTime(), [outage]);
  const timer = setInterval(() => {
    try {
      tick();
    } catch (e) {
      o.onError(e);
    }
  }, o.appendEveryMs ?? 5000);
  timer.unref();
  return {
    outage,
    tick,
    stop: () => {
      clearInterval(timer);
      db.close();
    },
  };
}

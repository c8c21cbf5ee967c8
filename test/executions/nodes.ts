import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../src/adapters/scheduler/scheduler.ts';
import { createSourceRegistry, type SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import type { Db } from '../../src/adapters/storage/db.ts';
import { createUnitOfWork } from '../../src/adapters/storage/unit-of-work.ts';
import type { ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { NO_SPREAD } from '../../src/core/kpis/spread.ts';
import type { Clock } from '../../src/core/ports.ts';
import { TEST_SOURCE_OPTIONS } from '../helpers/monitored.ts';

export interface TestNode {
  readonly scheduler: Scheduler;
  readonly exec: ExecutionDeps;
  readonly sources: SourceRegistry;
  /** Ticks until nothing more is claimed, waiting for the runs in between. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

/**
 * One scheduler node on its own store connection pool, as a separate process would have. Its runs start
 * at their slots (NO_SPREAD) unless `options.spread` says otherwise: these tests step the clock to slots.
 */
export function startNode(db: Db, clock: Clock, options: Partial<SchedulerOptions> = {}): TestNode {
  const ids = createIdGenerator(clock);
  // A kill grace that fits the lease grace, as the configuration requires of a real node.
  const queryKillGraceMs = options.queryKillGraceMs ?? Math.min(5000, Math.max(100, Math.floor((options.leaseGraceMs ?? 30_000) / 4)));
  const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, killGraceMs: queryKillGraceMs, ...TEST_SOURCE_OPTIONS });
  const exec: ExecutionDeps = { uow: createUnitOfWork(db, clock), clock, ids, sources, nodeId: ids.next('node'), alertPolicy: DEFAULT_ALERT_POLICY, listeners: [] };
  const scheduler = createScheduler({ db, exec }, { maxParallel: 5, heartbeatIntervalMs: 1000, spread: NO_SPREAD, ...options, queryKillGraceMs });
  return {
    scheduler, exec, sources,
    async drain() {
      let total = 0;
      for (;;) {
        const n = await scheduler.tick();
        total += n;
        await scheduler.idle();
        if (n === 0) return total;
      }
    },
    async close() {
      await scheduler.stop(0);
      await sources.close();
    },
  };
}

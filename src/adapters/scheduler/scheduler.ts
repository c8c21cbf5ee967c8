import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { DataSource } from '../../core/datasources/datasource.ts';
import type { ExecutionDeps } from '../../core/executions/execute-now.ts';
import type { Db } from '../storage/db.ts';
import { deleteExecutionsBefore } from '../storage/execution-history.repo.ts';
import { claimDue, expireLease, heartbeat, syncSchedules } from '../storage/kpi-runs.repo.ts';
import { killWaitMs } from '../sources/source-pool.ts';
import { createGroupCommit } from '../../core/executions/group-commit.ts';
import { DEFAULT_SPREAD, type Spread } from '../../core/kpis/spread.ts';
import { isStuck, type Claim } from '../../core/executions/lease.ts';
import { recordLeased, type LeasedOutcome, type LeasedRecording } from '../../core/executions/record.ts';
import { failedEvaluation, recordSlot, runSlot, type RunningSlot, type RunSlotDeps, type SlotOutcome } from '../../core/executions/run-slot.ts';

export interface SchedulerOptions {
  /** Executions at a time on this node; default 5 (MAX_PARALLEL_EXECUTIONS). */
  readonly maxParallel: number;
  /** Pause between claim rounds when nothing is due, ms; default 500. */
  readonly pollIntervalMs: number;
  /** Added to a KPI's timeout for its lease and for the stuck check, ms; default 30 000. */
  readonly leaseGraceMs: number;
  /** How often running executions are checked for being stuck, ms; default 30 000. */
  readonly healthCheckIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  /** History older than this is deleted by the hourly cleanup; default 90 days. */
  readonly retentionDays: number;
  /** The sources' kill grace (QUERY_KILL_GRACE_SECONDS), ms: a run is stopped this long before its lease ends; default 5000. */
  readonly queryKillGraceMs: number;
  readonly role: string;
  /** How runs are spread inside their period (core/kpis/spread.ts); default DEFAULT_SPREAD, NO_SPREAD runs every slot at its slot. */
  readonly spread: Spread;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  maxParallel: 5, pollIntervalMs: 500, leaseGraceMs: 30_000, healthCheckIntervalMs: 30_000, heartbeatIntervalMs: 10_000, retentionDays: 90, role: 'all',
  queryKillGraceMs: 5_000, spread: DEFAULT_SPREAD,
};

const CLEANUP_INTERVAL_MS = 3_600_000;
/** How long after a whole minute an idle node wakes to claim its slots, ms. */
const SLOT_MARGIN_MS = 5;
const untilNextMinute = (now: Date): number => 60_000 - (now.getTime() % 60_000);
/** Recordings committed together at most (a transaction of history rows and leases; see group-commit.ts). */
const MAX_RECORDINGS_PER_COMMIT = 200;
const DS_CACHE_MS = 5_000;

export interface SchedulerCounters {
  claimed: number; recorded: number; tookOver: number; leaseLost: number; stuck: number; errors: number; peakRunning: number; cleanedUp: number;
}

export interface Scheduler {
  readonly nodeId: string;
  /** One round: heartbeat, schedule sync, health check and cleanup when due, then claim and start due runs. Returns how many started. */
  tick(): Promise<number>;
  /** Resolves when every execution started so far is done (tests). */
  idle(): Promise<void>;
  /** Runs `tick` in a loop until `stop`. */
  start(): void;
  /** Stops claiming, waits up to `drainMs` for running executions, cancels the rest and hands their leases back. */
  stop(drainMs?: number): Promise<void>;
  running(): { kpiId: string; slot: Date; startedAt: Date }[];
  counters(): Readonly<SchedulerCounters>;
}

/** Where the scheduler reports how late each run started after its planned start (slot + spread offset), in seconds (a histogram). */
export interface SchedulerObserver {
  readonly schedulingLag: { observe(seconds: number): void };
}

export function createScheduler(deps: { db: Db; exec: ExecutionDeps; logger?: Logger | undefined; metrics?: SchedulerObserver | undefined }, options: Partial<SchedulerOptions> = {}): Scheduler {
  const opts = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
  const { db, exec } = deps;
  const clock = exec.clock;
  const nodeId = exec.nodeId;
  const startedAt = clock.now();
  const running = new Map<string, RunningSlot>();
  const queue: Claim[] = [];
  const counters: SchedulerCounters = { claimed: 0, recorded: 0, tookOver: 0, leaseLost: 0, stuck: 0, errors: 0, peakRunning: 0, cleanedUp: 0 };
  const last = { heartbeat: -Infinity, health: clock.now().getTime(), cleanup: -Infinity, sync: -Infinity, expired: -Infinity };
  const dsCache = new Map<string, { at: number; ds: DataSource | null }>();
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const report = (e: unknown, what: string) => {
    counters.errors++;
    deps.logger?.error({ err: e, nodeId }, what);
  };

  const dataSource = async (id: string): Promise<DataSource | null> => {
    const hit = dsCache.get(id);
    if (hit !== undefined && Date.now() - hit.at < DS_CACHE_MS) return hit.ds;
    const ds = await exec.uow.read.dataSources.get(id);
    dsCache.set(id, { at: Date.now(), ds });
    return ds;
  };

  // Runs that finish while a recording transaction is in flight are recorded together in the next one.
  const recorder = createGroupCommit<LeasedRecording, LeasedOutcome>((items) => recordLeased(exec, items), { maxBatch: MAX_RECORDINGS_PER_COMMIT, key: (i) => i.kpi.id });
  // A run waiting for its recording holds its lease but no longer its source: its place goes to the next
  // claim at once (at most MAX_RECORDINGS_PER_COMMIT wait), and the waiting recordings commit together.
  const slotDeps: RunSlotDeps = {
    ...exec, dataSource: (id) => dataSource(id),
    record: (r) => {
      const outcome = recorder.submit(r);
      wake?.();
      return outcome;
    },
  };
  /** Runs still evaluating (querying their source): what MAX_PARALLEL_EXECUTIONS bounds. */
  const evaluating = (): number => {
    let n = 0;
    for (const r of running.values()) if (!r.settled) n++;
    return n;
  };
  const mayLaunch = () => evaluating() < opts.maxParallel && recorder.pending() < MAX_RECORDINGS_PER_COMMIT;

  const count = (o: SlotOutcome) => {
    if (o === 'recorded') counters.recorded++;
    if (o === 'lease_lost') counters.leaseLost++;
  };

  const launch = (claim: Claim) => {
    const r: RunningSlot = { claim, startedAt: clock.now(), abort: new AbortController(), settled: false, done: Promise.resolve() };
    running.set(claim.kpi.id, r);
    deps.metrics?.schedulingLag.observe(Math.max(0, r.startedAt.getTime() - claim.plannedAt.getTime()) / 1000);
    counters.peakRunning = Math.max(counters.peakRunning, evaluating());
    // Stopped early enough that the kill grace, the kill itself and a margin still end within the lease.
    r.done = runSlot(slotDeps, r, opts.queryKillGraceMs + killWaitMs(opts.queryKillGraceMs) + Math.min(1000, opts.leaseGraceMs / 4))
      .then(count, (e: unknown) => report(e, 'execution failed to record'))
      .finally(() => {
        if (running.get(claim.kpi.id) === r) running.delete(claim.kpi.id);
        wake?.();
      });
  };

  /** An execution past its timeout plus the grace is stuck: cancel it, record `stuck`, free its lease. */
  const healthCheck = async (now: Date) => {
    for (const r of running.values()) {
      if (r.settled || !isStuck(r.claim.kpi, r.startedAt, now, opts.leaseGraceMs)) continue;
      r.abort.abort();
      counters.stuck++;
      const evaluation = failedEvaluation(exec, r.claim, r.startedAt, 'stuck', `ran past its timeout of ${r.claim.kpi.timeoutSeconds} s plus ${opts.leaseGraceMs / 1000} s; cancelled`);
      await recordSlot(slotDeps, r, evaluation).then(count, (e: unknown) => report(e, 'recording a stuck execution failed'));
    }
  };

  const beat = (stopped = false) =>
    heartbeat(db, { nodeId, hostname: hostname(), pid: process.pid, role: opts.role, startedAt, running: evaluating(), counters: { ...counters } }, clock.now(), stopped);

  const housekeeping = async (now: Date, full: boolean) => {
    const t = now.getTime();
    if (t - last.heartbeat >= opts.heartbeatIntervalMs) {
      last.heartbeat = t;
      await beat();
    }
    if (t - last.health >= opts.healthCheckIntervalMs) {
      last.health = t;
      await healthCheck(now);
    }
    if (t - last.cleanup >= CLEANUP_INTERVAL_MS) {
      last.cleanup = t;
      counters.cleanedUp += await deleteExecutionsBefore(db, new Date(t - opts.retentionDays * 86_400_000));
    }
    // Picking up new and changed KPIs scans them all: every full round, and at most once per poll
    // interval while the loop goes round after round because it is busy.
    if (full || t - last.sync >= opts.pollIntervalMs) {
      last.sync = t;
      await syncSchedules(db, now, opts.spread);
    }
  };

  const round = async (full: boolean): Promise<number> => {
    if (stopping) return 0;
    const now = clock.now();
    await housekeeping(now, full);
    // Claims are taken in batches and queued: a claim costs a transaction, and when runs finish one
    // by one, claiming one at a time would cost one per run. At most maxParallel wait in the queue
    // (their leases run from the claim); at most maxParallel run.
    if (queue.length < opts.maxParallel - evaluating()) {
      const capacity = 2 * opts.maxParallel - evaluating() - queue.length;
      // Dead nodes' leases are rare: look for them every full round and once a second while busy.
      const expiredToo = full || now.getTime() - last.expired >= 1000;
      if (expiredToo) last.expired = now.getTime();
      const claims = await claimDue(db, { nodeId, now, limit: capacity, leaseGraceMs: opts.leaseGraceMs, token: () => exec.ids.next('execution'), expiredToo, spread: opts.spread });
      for (const c of claims) {
        counters.claimed++;
        if (c.tookOverFrom !== null) counters.tookOver++;
      }
      queue.push(...claims);
    }
    let started = 0;
    while (mayLaunch() && queue.length > 0 && !stopping) {
      launch(queue.shift()!);
      started++;
    }
    return started;
  };
  const tick = () => round(true);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => { wake = null; resolve(); }, ms);
      wake = () => { clearTimeout(t); wake = null; resolve(); };
    });

  return {
    nodeId,
    tick,
    idle: async () => {
      while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
    },
    start() {
      loop ??= (async () => {
        while (!stopping) {
          // A full round means more may be due: go again as soon as a slot frees up.
          const started = await round(false).catch((e: unknown) => (report(e, 'scheduler tick failed'), 0));
          if (stopping) break;
          // Slots fall on whole minutes: an idle node wakes right after the next one, not up to a poll interval later.
          if (started === 0 || !mayLaunch()) await sleep(Math.min(opts.pollIntervalMs, untilNextMinute(clock.now()) + SLOT_MARGIN_MS));
        }
      })();
    },
    async stop(drainMs = 10_000) {
      stopping = true;
      wake?.();
      await loop;
      for (const c of queue.splice(0)) await expireLease(db, c.kpi.id, c.leaseToken, clock.now()).catch((e: unknown) => report(e, 'handing a lease back failed'));
      const all = [...running.values()];
      const drained = await Promise.race([Promise.all(all.map((r) => r.done)).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), drainMs).unref())]);
      if (!drained) {
        for (const r of running.values()) {
          if (r.settled) continue; // recording: its transaction releases the lease
          r.abort.abort();
          await expireLease(db, r.claim.kpi.id, r.claim.leaseToken, clock.now()).catch((e: unknown) => report(e, 'handing a lease back failed'));
        }
        await Promise.all(all.map((r) => r.done));
      }
      await beat(true).catch((e: unknown) => report(e, 'final heartbeat failed'));
    },
    running: () => [...running.values()].map((r) => ({ kpiId: r.claim.kpi.id, slot: r.claim.slot, startedAt: r.startedAt })),
    counters: () => ({ ...counters }),
  };
}

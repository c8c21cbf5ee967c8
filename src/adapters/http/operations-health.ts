import type { SourceRunner } from '../../core/executions/ports.ts';
import type { Clock } from '../../core/ports.ts';
import type { Db } from '../storage/db.ts';
import { listDataSources } from '../storage/data-sources.repo.ts';
import { freshestSchedulerHeartbeat, outboxState, staleKpis, stuckExecutions } from '../storage/operations.repo.ts';
import type { HealthChecks, HealthComponent, HealthGroup } from './routes/health.ts';

export interface OperationsHealthDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly sources: SourceRunner;
  /** The node's role: a node that runs the scheduler is unready without its own heartbeat. */
  readonly role: 'all' | 'api' | 'scheduler';
  readonly nodeId: string;
  readonly heartbeatIntervalMs: number;
}

/** A data-source check waits this long, ms; a replica that does not answer in 2 s is down for readiness. */
export const SOURCE_CHECK_TIMEOUT_MS = 2000;
/** Data-source results are reused this long, ms, so that a scrape storm does not hammer the replicas. */
export const SOURCE_CHECK_CACHE_MS = 10_000;
/** The oldest due notification may wait this long, ms, before delivery is degraded. */
export const DELIVERY_LATE_MS = 300_000;

const up = (detail: string): HealthComponent => ({ status: 'up', detail });
const degraded = (detail: string): HealthComponent => ({ status: 'degraded', detail });
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

type CachedCheck = { at: number; version: number; result: Promise<HealthComponent>; testing: boolean };

/**
 * Every data source: connect, run a trivial query and inspect the user. Down or refused = degraded: its
 * KPIs fail, the service does not; a privileged user that allowPrivilegedUser accepts is degraded too
 * (a warning). Results are cached, and a source that hangs gets no second test while its first still runs.
 */
function dataSourcesGroup(deps: OperationsHealthDeps): HealthGroup {
  const cache = new Map<string, CachedCheck>();
  const check = (ds: Parameters<SourceRunner['test']>[0]): CachedCheck => {
    const entry: CachedCheck = { at: Date.now(), version: ds.version, result: Promise.resolve(up('')), testing: true };
    const test = deps.sources.test(ds).finally(() => { entry.testing = false; });
    entry.result = withTimeout(test, SOURCE_CHECK_TIMEOUT_MS, `data source ${ds.name}`).then(
      (r) => {
        if (!r.ok) return degraded(r.error.startsWith('refused: ') ? `${ds.kind}: its KPIs do not run, ${r.error}` : `${ds.kind} unreachable: ${r.error}`);
        const answered = `${ds.kind} ${r.version} answered in ${r.latencyMs} ms`;
        // An administrator accepted a privileged user: a warning for as long as it lasts.
        return r.warnings.length === 0 ? up(answered) : degraded(`${answered}; runs KPI queries as a privileged user (allowPrivilegedUser): ${r.warnings.join('; ')}`);
      },
      (e: unknown) => degraded(`${ds.kind} unreachable: ${e instanceof Error ? e.message : String(e)}`),
    );
    return entry;
  };
  return async () => {
    const { items } = await listDataSources(deps.db, { limit: 200 });
    for (const id of cache.keys()) if (!items.some((ds) => ds.id === id)) cache.delete(id);
    const entries = await Promise.all(items.map(async (ds): Promise<[string, HealthComponent]> => {
      let hit = cache.get(ds.id);
      const expired = hit === undefined || hit.version !== ds.version || (Date.now() - hit.at > SOURCE_CHECK_CACHE_MS && !hit.testing);
      if (expired) cache.set(ds.id, (hit = check(ds)));
      return [`datasource:${ds.name}`, await hit!.result];
    }));
    return Object.fromEntries(entries);
  };
}

/** A scheduler node needs its own heartbeat; an API-only node reports the freshest one (none = degraded). */
async function schedulerHealth(deps: OperationsHealthDeps): Promise<HealthComponent> {
  const limitMs = 3 * deps.heartbeatIntervalMs;
  const own = deps.role !== 'api';
  const beat = await freshestSchedulerHeartbeat(deps.db, own ? deps.nodeId : undefined);
  const age = beat === null ? Infinity : deps.clock.now().getTime() - beat.heartbeatAt.getTime();
  if (age <= limitMs) return up(own ? `this node's scheduler beat ${seconds(age)} ago` : `node ${beat!.nodeId} beat ${seconds(age)} ago`);
  const detail = beat === null ? 'no heartbeat' : `last heartbeat ${seconds(age)} ago`;
  return own
    ? { status: 'down', detail: `this node runs the scheduler but has ${detail} within ${seconds(limitMs)}` }
    : degraded(`no scheduler node alive (${detail} within ${seconds(limitMs)}): KPIs are not running`);
}

async function deliveryHealth(deps: OperationsHealthDeps): Promise<HealthComponent> {
  const s = await outboxState(deps.db, deps.clock.now());
  const detail = `${s.backlog} waiting, oldest due for ${seconds(s.oldestDueMs)}, ${s.deadLetters} dead letters`;
  return s.oldestDueMs > DELIVERY_LATE_MS ? degraded(`${detail} (more than ${seconds(DELIVERY_LATE_MS)})`) : up(detail);
}

async function staleHealth(deps: OperationsHealthDeps): Promise<HealthComponent> {
  const stale = await staleKpis(deps.db, deps.clock.now());
  if (stale.length === 0) return up('every active KPI ran within twice its period');
  const names = stale.slice(0, 5).map((k) => k.indicator).join(', ');
  return degraded(`${stale.length} active KPIs not run for twice their period: ${names}${stale.length > 5 ? ' …' : ''}`);
}

async function stuckHealth(deps: OperationsHealthDeps): Promise<HealthComponent> {
  const n = await stuckExecutions(deps.db, deps.clock.now());
  return n === 0 ? up('no expired lease') : degraded(`${n} executions whose lease expired without a result`);
}

/**
 * The operational readiness components (besides the store): each data source, the scheduler
 * heartbeat, delivery backlog, stale KPIs, stuck executions. Only the scheduler of a scheduler node can
 * be down; the rest are degraded at worst (the API still serves).
 */
export function operationsHealth(deps: OperationsHealthDeps): { checks: HealthChecks; groups: Record<string, HealthGroup> } {
  return {
    checks: {
      scheduler: () => schedulerHealth(deps),
      delivery: () => deliveryHealth(deps),
      staleKpis: () => staleHealth(deps),
      stuckExecutions: () => stuckHealth(deps),
    },
    groups: { datasources: dataSourcesGroup(deps) },
  };
}

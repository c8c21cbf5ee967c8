import { runOutcome } from '../../core/executions/execution-span.ts';
import { durationMs } from '../../core/executions/outcome.ts';
import type { ExecutionCommittedListener } from '../../core/executions/ports.ts';
import type { DomainEvent } from '../../core/events.ts';
import type { LiveFeed } from '../live/live-feed.ts';
import type { AppendObserver } from '../storage/unit-of-work.ts';
import type { Metrics } from './metrics.ts';

type Data = Record<string, unknown>;

/**
 * Counts committed events (the unit of work calls it after the commit): appends by type, and the
 * counters that events decide: alerts opened (by priority) and resolved, notification deliveries by
 * channel and status (sent; failed = an attempt that will be retried; dead = the last attempt failed).
 */
export function observeAppends(metrics: Metrics): AppendObserver {
  return (events: readonly DomainEvent[]) => {
    for (const { type, data } of events as readonly { type: string; data: Data }[]) {
      metrics.eventStoreAppends.inc({ type });
      if (type === 'AlertOpened') metrics.alertsOpened.inc({ priority: String(data.priority) });
      else if (type === 'AlertResolved') metrics.alertsResolved.inc();
      else if (type === 'NotificationSent') metrics.notificationDeliveries.inc({ channel: String(data.channel), status: 'sent' });
      else if (type === 'NotificationFailed') metrics.notificationDeliveries.inc({ channel: String(data.channel), status: data.dead ? 'dead' : 'failed' });
    }
  };
}

/**
 * Each recorded execution, once committed: counted by outcome, timed, and published to the node's
 * live feed (the dashboard's `execution` messages).
 */
export function observeExecutions(metrics: Metrics, feed?: LiveFeed): ExecutionCommittedListener {
  return ({ result }) => {
    const status = runOutcome(result);
    metrics.executions.inc({ status });
    metrics.executionDuration.observe(durationMs(result) / 1000);
    feed?.publish('execution', { kpiId: result.kpiId, runId: result.runId, trigger: result.trigger, status, startedAt: result.startedAt.toISOString(), durationMs: durationMs(result) });
  };
}

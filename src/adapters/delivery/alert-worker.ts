import { runAlertTimers, type AlertCommandDeps } from '../../core/alerts/alert-commands.ts';
import type { Notification, Notifier } from '../../core/alerts/alert-ports.ts';
import { expireSilences } from '../../core/silences/silence-commands.ts';
import { recordDeliveries, type DeliveryResult, type RetryPolicy } from '../../core/alerts/delivery.ts';
import type { EventMeta } from '../../core/ports.ts';
import { noopTracer, type Tracer } from '../../core/tracer.ts';
import type { Db } from '../storage/db.ts';
import { claimNotifications } from '../storage/outbox.repo.ts';

export interface AlertWorkerOptions extends AlertCommandDeps {
  readonly db: Db;
  readonly notifier: Notifier;
  readonly retry: RetryPolicy;
  /** Notifications claimed per batch (default 50) and sent in parallel at most (default 10). */
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** How long a claim keeps other workers off a notification while it is being sent (default 60 s). */
  readonly leaseMs?: number;
  /** Pause between ticks when the worker runs by itself (default 1 s). */
  readonly intervalMs?: number;
  readonly random?: () => number;
  /** Background errors are reported here and counted, never thrown from the timer. */
  readonly onError?: (e: unknown) => void;
  /** Each send runs in a `notification.send` span (channel, outcome); none when absent. */
  readonly tracer?: Tracer;
  /** Checks for stale KPIs each round (stale-check.ts throttles itself); none when absent. */
  readonly staleCheck?: () => Promise<void>;
}

/** Sends one notification in its span; a refused delivery is a value, so the span is marked by hand. */
const sendTraced = (o: AlertWorkerOptions, n: Notification): Promise<DeliveryResult> =>
  (o.tracer ?? noopTracer).withSpan('notification.send', { channel: n.channel, 'notification.id': n.id, 'alert.id': n.alertId, attempt: n.attempts }, async (span) => {
    const result = await o.notifier.send(n);
    span.set({ outcome: result.ok ? 'sent' : 'failed' });
    if (!result.ok) span.fail(result.error);
    return result;
  });

export interface TickResult {
  readonly timers: number;
  readonly sent: number;
  readonly failed: number;
}

export interface AlertWorker {
  /** One round: due timers (cooldown ends, reminders, escalations), then the due notifications until none are left. */
  tick(): Promise<TickResult>;
  start(): void;
  /** Stops the loop and waits for the round in flight. */
  stop(): Promise<void>;
  readonly errors: number;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * The steppable worker of alerting, on every node. Delivery: claim a batch of due outbox rows (SKIP
 * LOCKED, with a lease), send them outside any transaction, then record the results (events + rows) in one
 * transaction per alert. A crash after sending and before recording leaves the rows claimed; when the
 * lease ends another worker sends them again: at most one repeat per recipient and crash.
 */
export function createAlertWorker(o: AlertWorkerOptions): AlertWorker {
  const batchSize = o.batchSize ?? 50;
  const concurrency = o.concurrency ?? 10;
  const leaseMs = o.leaseMs ?? 60_000;
  const random = o.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  let errors = 0;
  const meta = (): EventMeta => ({ actor: 'system:alerts', correlationId: o.ids.next('correlation') });

  async function tick(): Promise<TickResult> {
    let timers = 0;
    for (let handled = -1; handled !== 0; timers += handled) handled = await runAlertTimers(o, meta());
    await expireSilences(o, meta());
    await o.staleCheck?.();
    let sent = 0;
    let failed = 0;
    for (;;) {
      const batch = await claimNotifications(o.db, o.clock.now(), batchSize, leaseMs);
      if (batch.length === 0) break;
      const results: { n: Notification; result: DeliveryResult }[] = [];
      await inParallel(batch, concurrency, async (n) => void results.push({ n, result: await sendTraced(o, n) }));
      // One transaction per alert: a worker holds one alert lock at a time, so it cannot deadlock with an
      // execution or a command that holds several.
      const byAlert = new Map<string, typeof results>();
      for (const r of results) byAlert.set(r.n.alertId, [...(byAlert.get(r.n.alertId) ?? []), r]);
      for (const group of byAlert.values()) await o.uow.run((tx) => recordDeliveries(tx, group, o.retry, o.clock, random, meta()));
      for (const { result } of results) {
        if (result.ok) sent++;
        else failed++;
      }
    }
    return { timers, sent, failed };
  }

  const loop = (): void => {
    if (stopped) return;
    running = tick()
      .catch((e: unknown) => {
        errors++;
        o.onError?.(e);
      })
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(loop, o.intervalMs ?? 1000);
      });
  };

  return {
    tick,
    start: () => {
      stopped = false;
      if (timer === null && running === null) loop();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
    get errors() {
      return errors;
    },
  };
}

import type { AlertCommandDeps } from '../../core/alerts/alert-commands.ts';
import { alertOnStale } from '../../core/alerts/stale.ts';
import type { Db } from '../storage/db.ts';
import { staleKpis } from '../storage/operations.repo.ts';

/**
 * The "stale" alerts' check for the alert worker: at most once per `everyMs` (default a minute) it asks
 * the store which active KPIs have not run for two periods and opens or resolves their alerts.
 */
export function createStaleCheck(o: AlertCommandDeps & { db: Db; everyMs?: number }): () => Promise<void> {
  let last: number | null = null;
  return async () => {
    const now = o.clock.now().getTime();
    if (last !== null && now - last < (o.everyMs ?? 60_000)) return;
    last = now;
    await alertOnStale(o, await staleKpis(o.db, o.clock.now()), { actor: 'system:alerts', correlationId: o.ids.next('correlation') });
  };
}

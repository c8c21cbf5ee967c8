import type { Subscription } from '../event-store/subscription.ts';
import type { HealthComponent } from './routes/health.ts';

/** Events behind beyond which a subscription is reported degraded: minutes of changes at a busy site. */
export const LAG_DEGRADED = 1000;

/**
 * A subscription that falls behind is degraded, not down: the API still answers, only the audit trail
 * (or feed) is late. A failing store shows up as the store component being down.
 */
export async function subscriptionHealth(sub: Subscription): Promise<HealthComponent> {
  const lag = await sub.lag();
  return lag > LAG_DEGRADED
    ? { status: 'degraded', detail: `${lag} events behind (more than ${LAG_DEGRADED})` }
    : { status: 'up', detail: `${lag} events behind` };
}

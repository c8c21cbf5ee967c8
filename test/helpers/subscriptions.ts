import type { Subscription } from '../../src/adapters/event-store/subscription.ts';

/**
 * Catches a subscription up until nothing is left behind its checkpoint. One catchUp is not enough on
 * a shared PostgreSQL server: readAll waits for every older transaction in the cluster (other test
 * databases' too) to end, so a batch can stop short for a moment. Returns the events handled.
 */
export async function settle(sub: Subscription, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let handled = 0;
  for (;;) {
    handled += await sub.catchUp();
    if ((await sub.lag()) === 0) return handled;
    if (Date.now() > deadline) throw new Error(`subscription ${sub.name} did not catch up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

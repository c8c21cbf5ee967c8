import { conflict, notFound } from '../errors.ts';
import type { Clock, UnitOfWork } from '../ports.ts';
import type { Notification } from './alert-ports.ts';

/**
 * Puts a dead letter (or a pending notification waiting for its next attempt) back in the queue, due now,
 * with a fresh set of attempts. A sent notification is not sent again: that is a conflict.
 */
export async function retryNotification(deps: { uow: UnitOfWork; clock: Clock }, id: string): Promise<Notification> {
  return deps.uow.run(async (tx) => {
    const n = await tx.outbox.lock(id);
    if (n === null) throw notFound('notification', id);
    if (n.status === 'sent') throw conflict(`notification ${id} was sent already`, { status: n.status });
    await tx.outbox.requeue(id, deps.clock.now());
    return (await tx.outbox.get(id))!;
  });
}

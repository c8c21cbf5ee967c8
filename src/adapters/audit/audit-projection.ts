import { auditEntryOf, entityOfEvent, type AuditEntry } from '../../core/audit/audit-entry.ts';
import { nameFromEvent } from '../../core/audit/describe-event.ts';
import { createSubscription, type SubscribedEvent, type Subscription } from '../event-store/subscription.ts';
import { getEntityNames, insertAuditEntries, upsertEntityNames } from '../storage/audit.repo.ts';
import type { Db, Queryable } from '../storage/db.ts';

export const AUDIT_SUBSCRIPTION = 'audit-trail';

/**
 * The audit entries of a batch of events. Entity names are looked up once per batch and followed
 * through it, so a rename shows the new name from that event on; `renamed` is what changed.
 */
export async function auditEntriesOf(q: Queryable, events: readonly SubscribedEvent[]): Promise<{ entries: AuditEntry[]; renamed: Map<string, string> }> {
  const keys = [...new Map(events.map((e) => { const k = entityOfEvent(e); return [`${k.entityType}/${k.entityId}`, k]; })).values()];
  const names = await getEntityNames(q, keys);
  const changed = new Map<string, string>();
  const entries = events.map((e) => {
    const { entityType, entityId } = entityOfEvent(e);
    const key = `${entityType}/${entityId}`;
    const renamed = nameFromEvent(entityType, e.data);
    if (renamed !== null && renamed !== names.get(key)) {
      names.set(key, renamed);
      changed.set(key, renamed);
    }
    return auditEntryOf(e, names.get(key) ?? null);
  });
  return { entries, renamed: changed };
}

/** Stores the audit entries of a batch of events (and the entity names they change). */
export async function projectAudit(q: Queryable, events: readonly SubscribedEvent[]): Promise<AuditEntry[]> {
  const { entries, renamed: changed } = await auditEntriesOf(q, events);
  for (let i = 0; i < entries.length; i += 500) await insertAuditEntries(q, entries.slice(i, i + 500));
  await upsertEntityNames(q, changed);
  return entries;
}

/**
 * The audit projection: a durable subscription, so each event becomes exactly one entry, on one node,
 * in the same transaction that moves its checkpoint.
 */
export function createAuditProjection(db: Db, opts: { onError?: (e: unknown) => void; intervalMs?: number } = {}): Subscription {
  return createSubscription({
    name: AUDIT_SUBSCRIPTION,
    db,
    durable: true,
    ...(opts.intervalMs === undefined ? {} : { intervalMs: opts.intervalMs }),
    ...(opts.onError ? { onError: opts.onError } : {}),
    handle: async (events, tx) => void (await projectAudit(tx, events)),
  });
}

import type { ActionLinkRepo, LinkUse } from '../../core/alerts/action-link-ports.ts';
import type { LinkAction } from '../../core/alerts/action-links.ts';
import type { Queryable } from './db.ts';

interface UseRow { notification_id: string; action: LinkAction; alert_id: string; recipient: string; used_at: Date }

const toUse = (r: UseRow): LinkUse => ({ notificationId: r.notification_id, action: r.action, alertId: r.alert_id, recipient: r.recipient, usedAt: new Date(r.used_at) });

/**
 * A link is used once: the insert takes the (notification, action) key or finds it taken. A second node
 * inserting the same key at the same time waits for the first one's transaction and then finds it.
 */
export async function claimLinkUse(db: Queryable, use: LinkUse): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO action_link_uses (notification_id, action, alert_id, recipient, used_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (notification_id, action) DO NOTHING RETURNING notification_id`,
    [use.notificationId, use.action, use.alertId, use.recipient, use.usedAt]);
  return rows.length === 1;
}

export async function findLinkUse(db: Queryable, notificationId: string, action: LinkAction): Promise<LinkUse | null> {
  const { rows } = await db.query<UseRow>('SELECT * FROM action_link_uses WHERE notification_id = $1 AND action = $2', [notificationId, action]);
  return rows[0] ? toUse(rows[0]) : null;
}

export const actionLinkRepo = (db: Queryable): ActionLinkRepo => ({
  claim: (use) => claimLinkUse(db, use),
  find: (notificationId, action) => findLinkUse(db, notificationId, action),
});

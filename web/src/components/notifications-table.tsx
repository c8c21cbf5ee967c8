import { useState } from 'react';
import { api } from '../api/client.ts';
import type { ChannelConfig, Notification } from '../api/admin-types.ts';
import { useGrants } from '../api/me.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { formatTime } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorMessage } from './status.tsx';

/**
 * Delivery status per recipient: channel, attempts, the last error, and a retry for dead letters.
 * `withAlert` adds a column linking each message to its alert (the delivery log; not inside an alert).
 */
export function NotificationsTable({ rows, onRetried, withAlert = false }: { rows: readonly Notification[]; onRetried: () => void; withAlert?: boolean }) {
  const recipientOf = useChannelNames();
  const retry = useAction();
  const [retried, setRetried] = useState<string | null>(null);
  const send = (n: Notification) => void retry.run(async () => {
    await api.post(`notifications/${encodeURIComponent(n.id)}/retry`);
    setRetried(`Sending again to ${recipientOf(n.recipient)}.`);
    onRetried();
  });
  return (
    <>
      <div aria-live="polite">
        <ErrorMessage error={retry.error} />
        {retried && !retry.error && <p className="small">{retried}</p>}
      </div>
      {/* The announcement stays when the retried letter leaves a list of dead letters empty. */}
      {rows.length === 0 ? <p className="muted">No notifications.</p> : <div className="table-wrap">
        <table>
          <caption className="sr-only">Notifications, one per recipient and channel</caption>
          <thead>
            <tr>{withAlert && <th scope="col">Alert</th>}<th scope="col">Purpose</th><th scope="col">Channel</th><th scope="col">Recipient</th>
              <th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Created</th><th scope="col">Sent</th><th scope="col">Last error</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.id}>
                {withAlert && <td><Link to={`/alerts/${encodeURIComponent(n.alertId)}`}>{n.subject || n.alertId}</Link></td>}
                <td>{n.purpose}</td>
                <td>{n.channel}</td>
                <td className="wrap">{recipientOf(n.recipient)}</td>
                <td><span className={`badge delivery-${n.status}`}>{n.status}</span>
                  {n.status === 'pending' && n.nextAttemptAt && <div className="small muted">next try {formatTime(n.nextAttemptAt)}</div>}</td>
                <td>{n.attempts}</td>
                <td>{formatTime(n.createdAt)}</td>
                <td>{formatTime(n.sentAt)}</td>
                <td className="cell-error">{n.lastError ?? ''}</td>
                <td>{n.status === 'dead' && (
                  <button type="button" className="secondary" disabled={retry.busy} onClick={() => send(n)} aria-label={`Retry ${n.channel} to ${recipientOf(n.recipient)}`}>Retry</button>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>}
    </>
  );
}

/** A channel's outbox rows name it by id (`chn_…`): shown by its name to whoever may read channels. */
function useChannelNames(): (recipient: string) => string {
  const mayRead = useGrants('channels:read');
  const channels = useResource((s) => (mayRead ? api.get<Page<ChannelConfig>>('channels', {}, s) : Promise.resolve(null)), [mayRead]);
  const names = new Map((channels.data?.items ?? []).map((c) => [c.id, c.name]));
  return (recipient) => names.get(recipient) ?? recipient;
}

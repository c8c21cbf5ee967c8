import { api } from '../api/client.ts';
import { CHANNEL_KINDS, type Notification } from '../api/admin-types.ts';
import { useLiveReload } from '../api/use-live-reload.ts';
import type { Page } from '../api/types.ts';
import { usePages } from '../api/use-pages.ts';
import { NotificationsTable } from '../components/notifications-table.tsx';
import { MoreButton } from '../components/paging.tsx';
import { Link, navigate, type PageProps } from '../router.tsx';

const STATUSES = [['dead', 'Dead letters'], ['pending', 'Pending'], ['sent', 'Sent'], ['', 'All']] as const;
const CHANNELS = [...CHANNEL_KINDS, 'log'] as const;

/** The delivery log, dead letters first: every message to every recipient, and a retry for those that gave up. */
export function NotificationsPage({ query }: PageProps) {
  const status = query.get('status') ?? 'dead';
  const channel = query.get('channel') ?? '';
  const rows = usePages((cursor, s) => api.get<Page<Notification>>('notifications', { status, channel, cursor, limit: 50 }, s), [status, channel]);
  useLiveReload((m) => m.kind === 'alert', rows.reload);
  const go = (next: { status?: string; channel?: string }) => {
    const q = new URLSearchParams({ status, channel, ...next });
    navigate(`/notifications?${q}`);
  };
  return (
    <section>
      <div className="page-head">
        <h1>Deliveries</h1>
        <Link to="/alerts" className="button secondary">Alerts</Link>
      </div>
      <form className="filters row" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <label>Status
          <select value={status} onChange={(e) => go({ status: e.target.value })}>
            {STATUSES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </label>
        <label>Channel
          <select value={channel} onChange={(e) => go({ channel: e.target.value })}>
            <option value="">All channels</option>
            {CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      </form>
      {status === 'dead' && <p className="muted small">A dead letter ran out of attempts. Retry sends it again with fresh attempts, due now.</p>}
      <NotificationsTable rows={rows.items} onRetried={rows.reload} withAlert />
      <MoreButton pages={rows} noun="notification" />
    </section>
  );
}

import { useState } from 'react';
import { escalationText } from '../api/chain-form.ts';
import { api } from '../api/client.ts';
import type { AlertDetail } from '../api/admin-types.ts';
import { useLiveReload } from '../api/use-live-reload.ts';
import { useActorNames } from '../api/actor-names.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { StatusBadge } from '../components/badge.tsx';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { SilenceAlert } from '../components/silence-alert.tsx';
import { NotificationsTable } from '../components/notifications-table.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatNumber, formatPercent, formatTime } from '../format.ts';
import { Link, type PageProps } from '../router.tsx';
import { describeBand, describeReason, describeRule } from '../rule-text.ts';

const KIND_TEXT: Record<string, string> = {
  failing: 'The KPI failed to run', summary: 'The series past the cap of alerts per run', no_data: 'No rows returned',
  stale: 'Not run for two periods', unreachable: 'The data source does not answer',
};

/** One alert: what was measured against what, who was told and whether it arrived, acknowledge and resolve. */
export function AlertPage({ params }: PageProps) {
  const id = params.id!;
  const alert = useResource((s) => api.get<AlertDetail>(`alerts/${encodeURIComponent(id)}`, {}, s), [id]);
  const actor = useActorNames();
  useLiveReload((m) => {
    const data = m.data as { id?: string; entityId?: string; alertId?: string } | null;
    return [data?.id, data?.entityId, data?.alertId].includes(id);
  }, alert.reload);
  if (alert.error && !alert.data) return <section><h1>Alert</h1><ErrorMessage error={alert.error} /></section>;
  if (!alert.data) return <Loading what="Loading the alert" />;
  const a = alert.data;
  return (
    <section>
      <div className="page-head">
        <h1>{a.subject || `Alert ${a.id}`}</h1>
        <div className="row"><StatusBadge status={a.status} /><span className={`severity ${a.severity}`}>{a.severity}</span><HistoryLink type="alert" id={a.id} name="this alert" /></div>
      </div>
      <p className="muted">
        {KIND_TEXT[a.kind] ?? 'A breach'} of <Link to={`/kpis/${encodeURIComponent(a.kpiId)}`}>{a.indicator}</Link>
        {a.key && <> (series {a.key})</>} · priority {a.priority} · opened {formatTime(a.openedAt)} · {a.id}
      </p>
      <dl className="figures wide" aria-label="Measured">
        <div><dt>Value</dt><dd>{formatNumber(a.value)}</dd></div>
        <div><dt>Baseline</dt><dd>{formatNumber(a.baseline)}</dd></div>
        <div><dt>Deviation</dt><dd>{formatPercent(a.deviationPercent)}</dd></div>
        <div><dt>Band at opening</dt><dd>{describeBand(a.band)}</dd></div>
      </dl>
      <p className="muted">Rule when it opened: <span className="rule">{describeRule(a.thresholds)}</span></p>
      {a.error && <p className="error-box">{a.error}</p>}
      {a.reasons.length > 0 && (
        <>
          <h2>Why it fired</h2>
          <ul className="reasons">{a.reasons.map((r, i) => <li key={i}>{describeReason(r)}</li>)}</ul>
        </>
      )}
      <h2>Lifecycle</h2>
      <ul className="lifecycle">
        <li>Opened {formatTime(a.openedAt)}{a.lastNotifiedAt && `; last notified ${formatTime(a.lastNotifiedAt)}`}{a.escalatedAt && `; escalated ${formatTime(a.escalatedAt)}`}</li>
        {a.escalation && <li>Escalation chain <Link to="/escalation-chains">{a.escalation.name}</Link>: {escalationText(a.escalation, a.status)}</li>}
        {a.acknowledgedAt && <li>Acknowledged {formatTime(a.acknowledgedAt)} by {actor(a.acknowledgedBy)}{a.acknowledgeNote && <>: <q className="note">{a.acknowledgeNote}</q></>}</li>}
        {a.resolvedAt && <li>Resolved {formatTime(a.resolvedAt)} ({a.resolution?.replace('_', ' ') ?? '—'}) by {actor(a.resolvedBy)}{a.resolveNote && <>: <q className="note">{a.resolveNote}</q></>}</li>}
      </ul>
      {a.status !== 'resolved' && <AlertActions alert={a} onChanged={alert.reload} />}
      {a.status !== 'resolved' && <SilenceAlert alert={a} onChanged={alert.reload} />}
      <h2>Message as sent</h2>
      <div className="card message-preview">
        <p><strong>Subject:</strong> {a.subject}</p>
        <pre className="body">{a.body}</pre>
      </div>
      <h2>Recipients and delivery</h2>
      <NotificationsTable rows={a.notifications} onRetried={alert.reload} />
    </section>
  );
}

function AlertActions({ alert, onChanged }: { alert: AlertDetail; onChanged: () => void }) {
  const [note, setNote] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const act = (verb: 'acknowledge' | 'resolve') => void action.run(async () => {
    await api.post(`alerts/${encodeURIComponent(alert.id)}/${verb}`, note ? { note } : {});
    setDone(verb === 'acknowledge' ? 'Acknowledged.' : 'Resolved.');
    setNote('');
    onChanged();
  });
  return (
    <form className="card stack" aria-label="Acknowledge or resolve" onSubmit={(e) => { e.preventDefault(); act(alert.status === 'open' ? 'acknowledge' : 'resolve'); }}>
      <Field label="Note" error={action.fieldErrors.note} hint="Kept with the alert and in the audit trail">
        <textarea name="note" value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} className="note-input" />
      </Field>
      <div className="row">
        {alert.status === 'open' && <button type="button" disabled={action.busy} onClick={() => act('acknowledge')}>Acknowledge</button>}
        <button type="button" className={alert.status === 'open' ? 'secondary' : ''} disabled={action.busy} onClick={() => act('resolve')}>Resolve</button>
      </div>
      <div aria-live="polite"><ErrorMessage error={action.error} />{done && !action.error && <p className="small">{done}</p>}</div>
    </form>
  );
}

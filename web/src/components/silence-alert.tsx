import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Alert, Silence } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { formatTime } from '../format.ts';
import { Link } from '../router.tsx';
import { tomorrowAtNine } from '../silence-times.ts';
import { Field } from './field.tsx';
import { ErrorMessage } from './status.tsx';

/**
 * On an alert's page: silence its series for an hour or until tomorrow 09:00, or end the silence that
 * holds it. While silenced the alert is recorded and nobody is notified; at the end, if it still fires, they are.
 */
export function SilenceAlert({ alert, onChanged }: { alert: Alert; onChanged: () => void }) {
  const [comment, setComment] = useState('');
  const action = useAction();
  const silence = (until: { durationMinutes: number } | { endsAt: string }) => void action.run(async () => {
    await api.post<Silence>('silences', { kpiIds: [alert.kpiId], ...(alert.key ? { keyPattern: alert.key } : {}), comment, ...until });
    setComment('');
    onChanged();
  });
  const end = () => void action.run(async () => {
    await api.delete(`silences/${encodeURIComponent(alert.silenceId!)}`);
    onChanged();
  });
  if (alert.silenceId?.startsWith('mnt_')) {
    return (
      <div className="card stack" role="group" aria-label="Silence">
        <p>Held by maintenance window {alert.silenceId} until {formatTime(alert.silencedUntil)}: nobody is notified until then.</p>
      </div>
    );
  }
  if (alert.silenceId) {
    return (
      <div className="card stack" role="group" aria-label="Silence">
        <p>Silenced until {formatTime(alert.silencedUntil)} by <Link to="/silences">{alert.silenceId}</Link>: nobody is notified until then.</p>
        <div className="row"><button type="button" className="secondary" disabled={action.busy} onClick={end}>End silence</button></div>
        <div aria-live="polite"><ErrorMessage error={action.error} /></div>
      </div>
    );
  }
  return (
    <form className="card stack" aria-label="Silence" onSubmit={(e) => { e.preventDefault(); silence({ durationMinutes: 60 }); }}>
      <Field label="Why silence it" error={action.fieldErrors.comment} hint="Kept with the silence and in the audit trail">
        <input name="comment" value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      </Field>
      <div className="row">
        <button type="submit" className="secondary" disabled={action.busy}>Silence for 1 h</button>
        <button type="button" className="secondary" disabled={action.busy} onClick={() => silence({ endsAt: tomorrowAtNine().toISOString() })}>Silence until tomorrow 09:00</button>
      </div>
      <div aria-live="polite"><ErrorMessage error={action.error} /></div>
    </form>
  );
}

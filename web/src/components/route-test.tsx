import { useState, type FormEvent } from 'react';
import { SEVERITIES, type RouteTest } from '../api/admin-types.ts';
import { KIND_LABELS } from '../api/channel-form.ts';
import { api } from '../api/client.ts';
import type { Kpi, Named, Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { Field } from './field.tsx';
import { ErrorMessage } from './status.tsx';

/** Who a recipient is told through, in words: the KPI itself, a team, a route's channel, a channel serving the KPI. */
function viaText(via: string, result: RouteTest): string {
  const [kind, id] = via.split(':');
  if (kind === 'team') return `team ${result.teams.find((t) => t.id === id)?.name ?? id}`;
  if (kind === 'route') return id === 'default' ? 'the default route' : `route ${result.matched.find((r) => r.id === id)?.name ?? id}`;
  if (kind === 'kpi') return "the KPI's contacts";
  if (kind === 'channel') return 'a channel serving the KPI';
  return via;
}

/** "Where would this go": POST /routes/test for a KPI's alert, with the same decision real alerts get. */
export function RouteTestForm({ chains }: { chains: readonly Named[] }) {
  const kpis = useResource((s) => api.get<Page<Kpi>>('kpis', { limit: 500 }, s), []);
  const [kpiId, setKpiId] = useState('');
  const [severity, setSeverity] = useState('');
  const [result, setResult] = useState<RouteTest | null>(null);
  const test = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null); // the answer shown is always this request's
    void test.run(async () => setResult(await api.post<RouteTest>('routes/test', { kpiId, ...(severity ? { severity } : {}) })));
  };
  const items = kpis.data?.items ?? [];
  return (
    <form className="card stack editor-card" aria-label="Where would an alert go" onSubmit={submit}>
      <h2>Where would an alert go?</h2>
      <ErrorMessage error={kpis.error} />
      <div className="form-grid">
        <Field label="Alert of the KPI" error={test.fieldErrors.kpiId}>
          <select required value={kpiId} onChange={(e) => setKpiId(e.target.value)}>
            <option value="">{items.length ? 'Choose…' : 'No KPIs yet'}</option>
            {items.map((k) => <option key={k.id} value={k.id}>{k.indicator}</option>)}
          </select>
        </Field>
        <Field label="Severity" error={test.fieldErrors.severity} hint="Default: what a 50 % deviation gives">
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Default</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
      </div>
      <div className="row"><button type="submit" disabled={test.busy}>{test.busy ? 'Testing…' : 'Show where it goes'}</button></div>
      <div aria-live="polite">
        <ErrorMessage error={test.error} />
        {result && <TestResult result={result} chains={chains} />}
      </div>
    </form>
  );
}

function TestResult({ result, chains }: { result: RouteTest; chains: readonly Named[] }) {
  // The chain's name as the chains list has it (the answer may carry only its id).
  const chain = result.escalationChain && (chains.find((c) => c.id === result.escalationChain?.id)?.name ?? result.escalationChain.name);
  return (
    <section className="stack route-test-result" aria-label="Where it goes">
      <dl className="figures wide">
        <div><dt>Severity</dt><dd>{result.severity}</dd></div>
        <div><dt>Routes matched</dt><dd>{result.matched.length ? result.matched.map((r) => r.name).join(', ') : 'none: the default route'}</dd></div>
        <div><dt>Teams</dt><dd>{result.teams.length ? result.teams.map((t) => t.name).join(', ') : 'none'}</dd></div>
        <div><dt>Escalation chain</dt><dd>{chain ?? 'none'}</dd></div>
      </dl>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Recipients</caption>
          <thead><tr><th scope="col">Recipient</th><th scope="col">Kind</th><th scope="col">Delivered by</th><th scope="col">Through</th></tr></thead>
          <tbody>
            {result.recipients.map((r, i) => (
              <tr key={i}><td className="wrap">{r.address}</td><td>{KIND_LABELS[r.kind] ?? r.kind}</td><td>{r.channel}</td><td>{viaText(r.via, result)}</td></tr>
            ))}
            {result.recipients.length === 0 && <tr><td colSpan={4} className="muted">Nobody: this alert would reach no one.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

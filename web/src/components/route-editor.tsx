import { useState, type FormEvent } from 'react';
import { SEVERITIES, type AlertRoute, type Severity } from '../api/admin-types.ts';
import { api } from '../api/client.ts';
import { blankRoute, routeBodyOf, routeFormOf, type RouteForm } from '../api/route-form.ts';
import { errorFor, useAction } from '../api/use-action.ts';
import { toggled } from './choice-list.tsx';
import { DestinationFields, type RoutingOptions } from './destination-fields.tsx';
import { Field } from './field.tsx';
import { LabelsEditor } from './labels-editor.tsx';
import { ErrorMessage } from './status.tsx';
import { useFocusFirst } from './use-focus-first.ts';

/** A new route (after the last) or an edit of one: what it matches and where it sends the alert. */
export function RouteEditor({ route, options, onClose }: { route: AlertRoute | null; options: RoutingOptions; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<RouteForm>(route ? routeFormOf(route) : blankRoute());
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const set = <K extends keyof RouteForm>(name: K, value: RouteForm[K]) => setForm((f) => ({ ...f, [name]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (route) await api.patch(`routes/${encodeURIComponent(route.id)}`, routeBodyOf(form), route.version);
      else await api.post('routes', routeBodyOf(form));
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  const title = route ? `Edit ${route.name}` : 'New route';
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={title} onSubmit={submit}>
      <h2>{title}</h2>
      <Field label="Name" error={err.name}><input required maxLength={100} value={form.name} onChange={(e) => set('name', e.target.value)} /></Field>
      <fieldset><legend>Matches (empty = every alert)</legend>
        <Field label="KPI owners" error={errorFor(err, 'match/owners')} hint="Comma-separated; empty = any owner">
          <input maxLength={2000} value={form.owners} onChange={(e) => set('owners', e.target.value)} />
        </Field>
        <fieldset className="choices">
          <legend>Priorities</legend>
          {([1, 2] as const).map((p) => (
            <label key={p} className="inline">
              <input type="checkbox" checked={form.priorities.includes(p)} onChange={(e) => set('priorities', toggled(form.priorities, p, e.target.checked))} /> Priority {p}
            </label>
          ))}
        </fieldset>
        <fieldset className="choices">
          <legend>Severities</legend>
          {SEVERITIES.map((s: Severity) => (
            <label key={s} className="inline">
              <input type="checkbox" checked={form.severities.includes(s)} onChange={(e) => set('severities', toggled(form.severities, s, e.target.checked))} /> {s}
            </label>
          ))}
        </fieldset>
        <LabelsEditor legend="KPI labels" rows={form.labels} onChange={(labels) => set('labels', labels)} errors={err} path="match/labels"
          hint="Every label listed must be equal on the KPI; names are lower case letters, digits and _" />
      </fieldset>
      <fieldset><legend>Sends to</legend>
        <DestinationFields value={form} onChange={(d) => setForm((f) => ({ ...f, ...d }))} options={options} errors={err} />
        <label className="inline"><input type="checkbox" checked={form.continue} onChange={(e) => set('continue', e.target.checked)} /> Continue: later routes are tried too</label>
      </fieldset>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save route'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}

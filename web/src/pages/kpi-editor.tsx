import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type ReactElement } from 'react';
import { api, ApiError } from '../api/client.ts';
import { bodyOf, emptyForm, formOf, type KpiForm } from '../api/kpi-form.ts';
import type { DefinitionTest, Kpi, Named, Page } from '../api/types.ts';
import { useResource } from '../api/use-resource.ts';
import { AlertPolicyFields } from '../components/alert-policy-fields.tsx';
import { BacktestView, useBacktestJob } from '../components/backtest-panel.tsx';
import { ChoiceList } from '../components/choice-list.tsx';
import { Field } from '../components/field.tsx';
import { LabelsEditor } from '../components/labels-editor.tsx';
import { RunResult } from '../components/run-result.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { Link, navigate, type PageProps } from '../router.tsx';
import { SENSITIVITY_HINT } from '../rule-text.ts';

/** Create (/kpis/new) or edit (/kpis/:id/edit) a KPI: every field, the API's errors by field, and a test before saving. */
export function KpiEditorPage({ params }: PageProps) {
  const id = params.id;
  const kpi = useResource((s) => (id ? api.get<Kpi>(`kpis/${encodeURIComponent(id)}`, {}, s) : Promise.resolve(null)), [id]);
  const sources = useResource((s) => api.get<Page<Named>>('datasources', { limit: 500 }, s), []);
  const contacts = useResource((s) => api.get<Page<Named>>('contacts', { limit: 500 }, s), []);
  if (kpi.error) return <section><h1>Edit KPI</h1><ErrorMessage error={kpi.error} /></section>;
  if (kpi.loading && !kpi.data) return <Loading what="Loading the KPI" />;
  return <EditorForm key={id ?? 'new'} kpi={kpi.data ?? null} sources={sources.data?.items ?? []} contacts={contacts.data?.items ?? []} />;
}

function EditorForm({ kpi, sources, contacts }: { kpi: Kpi | null; sources: Named[]; contacts: Named[] }) {
  const [form, setForm] = useState<KpiForm>(() => (kpi ? formOf(kpi) : emptyForm()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | null>(null);
  const [test, setTest] = useState<DefinitionTest | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [days, setDays] = useState('14');
  const backtest = useBacktestJob();
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused save or test, the keyboard lands on the first field the API named.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  useEffect(() => {
    if (!form.dataSourceId && sources[0]) setForm((f) => ({ ...f, dataSourceId: sources[0]!.id }));
  }, [sources, form.dataSourceId]);

  const set = (name: keyof KpiForm) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setForm((f) => ({ ...f, [name]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value }));
  const input = (name: keyof KpiForm, props: Record<string, unknown> = {}) => <input name={name} value={String(form[name])} onChange={set(name)} {...props} />;
  const err = (name: string) => errors[name];

  async function act(kind: 'save' | 'test', work: () => Promise<void>) {
    setBusy(kind);
    setFailure(null);
    setErrors({});
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.fieldErrors());
      setFailure(e as Error);
    } finally {
      setBusy(null);
    }
  }
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act('save', async () => {
      const saved = kpi
        ? await api.patch<Kpi>(`kpis/${encodeURIComponent(kpi.id)}`, bodyOf(form), kpi.version)
        : await api.post<Kpi>('kpis', bodyOf(form));
      navigate(`/kpis/${encodeURIComponent(saved.id)}`);
    });
  };
  // With days, the test replays the definition over the past too (beside the saved rule, when editing).
  const runTest = () => act('test', async () => {
    backtest.follow(null);
    const result = await api.post<DefinitionTest>(`kpis/test${kpi ? `?id=${encodeURIComponent(kpi.id)}` : ''}`, { ...bodyOf(form), ...(days.trim() === '' ? {} : { days: Number(days) }) });
    setTest(result);
    backtest.follow(result.backtest ?? null);
  });

  return (
    <section>
      <h1>{kpi ? `Edit ${kpi.indicator}` : 'New KPI'}</h1>
      <form className="editor" onSubmit={save} ref={formRef}>
        <fieldset><legend>What and who</legend>
          <Field label="Indicator (unique name)" error={err('indicator')}>{input('indicator', { required: true, maxLength: 200 })}</Field>
          <Field label="Owner" error={err('owner')}>{input('owner', { required: true, maxLength: 200 })}</Field>
          <Field label="Priority" error={err('priority')} hint="1 notifies by SMS and email, 2 by email only">
            <select name="priority" value={form.priority} onChange={set('priority')}><option value="1">1</option><option value="2">2</option></select>
          </Field>
          <ChoiceList legend="Contacts notified" name="contactIds" options={contacts} chosen={form.contactIds} onChange={(contactIds) => setForm((f) => ({ ...f, contactIds }))}
            error={err('contactIds')} empty="No contacts yet." />
          <LabelsEditor legend="Labels" rows={form.labels} onChange={(labels) => setForm((f) => ({ ...f, labels }))} errors={errors} path="labels"
            hint="Names: lower case letters, digits and _ (team, cost_center). Routes match on them; templates can say {labels.team}" />
          <label className="inline"><input type="checkbox" name="active" checked={form.active} onChange={set('active')} /> Active (runs on its schedule)</label>
        </fieldset>
        <fieldset><legend>Query</legend>
          <Field label="Data source" error={err('dataSourceId')}>
            <select name="dataSourceId" value={form.dataSourceId} onChange={set('dataSourceId')} required>
              {sources.length === 0 && <option value="">No data source yet</option>}
              {sources.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </Field>
          <Field label="Query" error={err('query')} hint="SQL returning a value column (and optionally key); :windowStart, :windowEnd and :forLastMinutes are bound">
            <textarea name="query" value={form.query} onChange={set('query')} required maxLength={100000} spellCheck={false} />
          </Field>
          <Field label="Timeout (seconds)" error={err('timeoutSeconds')}>{input('timeoutSeconds', { type: 'number', min: 1, max: 3600 })}</Field>
        </fieldset>
        <ScheduleFields form={form} setForm={setForm} set={set} input={input} err={err} />
        <RuleFields form={form} set={set} input={input} err={err} />
        <fieldset><legend>Message</legend>
          <Field label="Subject template" error={err('subjectTemplate')} hint="Placeholders: {indicator} {key} {current} {baseline} {deviation} {severity} …; empty = the default">
            {input('subjectTemplate', { maxLength: 1000, placeholder: 'Empty: the default subject' })}
          </Field>
          <Field label="Body template" error={err('descriptionTemplate')}>
            <textarea name="descriptionTemplate" value={form.descriptionTemplate} onChange={set('descriptionTemplate')} maxLength={20000} placeholder="Empty: the default message" />
          </Field>
          <Field label="Cool-down (minutes)" error={err('cooldownMinutes')} hint="No repeated notification within this">
            {input('cooldownMinutes', { type: 'number', min: 0, max: 100000 })}
          </Field>
        </fieldset>
        <AlertPolicyFields input={input} err={err} />
        <div aria-live="polite">
          <ErrorMessage error={failure} />
          {test && <RunResult result={test} title="Test (nothing saved)" />}
          <ErrorMessage error={backtest.error} />
          {backtest.job && <BacktestView job={backtest.job} onCancel={() => void backtest.cancel()} />}
        </div>
        <div className="row">
          <button type="submit" disabled={busy !== null}>{busy === 'save' ? 'Saving…' : kpi ? 'Save changes' : 'Create KPI'}</button>
          <button type="button" className="secondary" onClick={() => void runTest()} disabled={busy !== null}>{busy === 'test' ? 'Testing…' : 'Test'}</button>
          <Field label="Replay the last (days)" error={err('days')} hint="The test shows what the rule would have done; empty = no replay">
            <input name="days" type="number" min={1} max={90} value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
          <Link to={kpi ? `/kpis/${encodeURIComponent(kpi.id)}` : '/'} className="button secondary">Cancel</Link>
        </div>
      </form>
    </section>
  );
}

type Setter = (name: keyof KpiForm) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void;
interface PartProps { form: KpiForm; set: Setter; input: (name: keyof KpiForm, props?: Record<string, unknown>) => ReactElement<Record<string, unknown>>; err: (n: string) => string | undefined }

function ScheduleFields({ form, setForm, input, err }: PartProps & { setForm: (f: (x: KpiForm) => KpiForm) => void }) {
  return (
    <fieldset><legend>Schedule</legend>
      <div role="radiogroup" aria-label="Schedule kind" className="row">
        <label className="inline"><input type="radio" name="schedule" checked={form.schedule === 'frequency'} onChange={() => setForm((f) => ({ ...f, schedule: 'frequency' }))} /> Every N minutes</label>
        <label className="inline"><input type="radio" name="schedule" checked={form.schedule === 'cron'} onChange={() => setForm((f) => ({ ...f, schedule: 'cron' }))} /> Cron expression</label>
      </div>
      {form.schedule === 'frequency'
        ? <Field label="Every (minutes)" error={err('frequencyMinutes')}>{input('frequencyMinutes', { type: 'number', min: 1, max: 10080, required: true })}</Field>
        : <Field label="Cron expression" error={err('cron')} hint="e.g. */15 * * * *">{input('cron', { required: true, maxLength: 120 })}</Field>}
      <Field label="Time zone (IANA)" error={err('timezone')}>{input('timezone', { maxLength: 64 })}</Field>
      <Field label="Data window (minutes)" error={err('lastMinutes')} hint="Empty = the schedule period">{input('lastMinutes', { type: 'number', min: 1, max: 525600 })}</Field>
    </fieldset>
  );
}

function RuleFields({ form, set, input, err }: PartProps) {
  return (
    <fieldset><legend>Rule</legend>
      <Field label="Sensitivity" error={err('sensitivity')} hint={SENSITIVITY_HINT[form.sensitivity]}>
        <select name="sensitivity" value={form.sensitivity} onChange={set('sensitivity')}>
          <option value="low">Low</option><option value="medium">Medium</option><option value="high">High</option><option value="">No band</option>
        </select>
      </Field>
      <Field label="Accepted deviation (%)" error={err('deviationPercent')} hint="A fixed percentage from the baseline; empty = no percentage rule">
        {input('deviationPercent', { type: 'number', min: 0, step: 'any', placeholder: 'Empty: no percentage rule' })}
      </Field>
      <Field label="Direction" error={err('direction')} hint="Which way the band and the deviation breach; the thresholds always apply">
        <select name="direction" value={form.direction} onChange={set('direction')}>
          <option value="drop">Drop (value below baseline)</option><option value="spike">Spike (value above baseline)</option><option value="both">Both</option>
        </select>
      </Field>
      <Field label="Minimum threshold" error={err('minThreshold')} hint="A value below this breaches; empty = none">{input('minThreshold', { type: 'number', step: 'any' })}</Field>
      <Field label="Maximum threshold" error={err('maxThreshold')} hint="A value above this breaches; empty = none">{input('maxThreshold', { type: 'number', step: 'any' })}</Field>
      <Field label="Combine rules" error={err('thresholdCombine')}>
        <select name="thresholdCombine" value={form.thresholdCombine} onChange={set('thresholdCombine')}>
          <option value="any">Any rule breaching is a breach</option><option value="all">Every configured rule must breach</option>
        </select>
      </Field>
      <Field label="Baseline weeks" error={err('baselineWeeks')} hint="Past weeks the same time is looked up in, once the series has them">{input('baselineWeeks', { type: 'number', min: 1, max: 52 })}</Field>
      <Field label="Baseline aggregate" error={err('baselineAggregate')} hint="How those past values combine">
        <select name="baselineAggregate" value={form.baselineAggregate} onChange={set('baselineAggregate')}><option value="median">Median</option><option value="mean">Mean</option></select>
      </Field>
      <Field label="When the query returns no rows" error={err('noDataPolicy')}>
        <select name="noDataPolicy" value={form.noDataPolicy} onChange={set('noDataPolicy')}>
          <option value="no_judgement">Judge nothing</option><option value="ok">That is fine</option><option value="breach">Breach: open a "no data" alert</option>
        </select>
      </Field>
    </fieldset>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, authorizedFetch, release, request, API_BASE } from '../api/client.ts';
import { errorFor, useAction } from '../api/use-action.ts';
import { ErrorMessage } from '../components/status.tsx';
import type { FullAuditEntry } from '../api/admin-types.ts';
import type { Page } from '../api/types.ts';
import { usePages } from '../api/use-pages.ts';
import { AuditEntries } from '../components/audit-entries.tsx';
import { Field } from '../components/field.tsx';
import { MoreButton } from '../components/paging.tsx';
import { navigate, type PageProps } from '../router.tsx';

const ENTITY_TYPES = ['kpi', 'alert', 'contact', 'datasource', 'apikey', 'user', 'security'] as const;
const FIELDS = ['entityType', 'entityId', 'eventTypes', 'actor', 'correlationId', 'from', 'to', 'q', 'field'] as const;
type Filter = Record<(typeof FIELDS)[number], string>;
const EMPTY = Object.fromEntries(FIELDS.map((k) => [k, ''])) as Filter;

/** datetime-local (local time, no zone) ↔ ISO 8601 for the API. */
const toIso = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

/** The search body: empty fields left out, event types split on commas. */
function bodyOf(f: Filter): Record<string, unknown> {
  const events = f.eventTypes.split(/[\s,]+/).filter(Boolean);
  return {
    entityType: f.entityType || undefined, entityId: f.entityId.trim() || undefined, eventTypes: events.length ? events : undefined,
    actor: f.actor.trim() || undefined, correlationId: f.correlationId.trim() || undefined, from: toIso(f.from), to: toIso(f.to),
    q: f.q.trim() || undefined, field: f.field.trim() || undefined,
  };
}

/** Search the audit trail: every filter in the URL (shareable), newest first, paged by cursor. */
export function AuditPage({ query }: PageProps) {
  const filter = Object.fromEntries(FIELDS.map((k) => [k, query.get(k) ?? ''])) as Filter;
  const key = FIELDS.map((k) => filter[k]).join('|');
  const results = usePages((cursor, s) => request<Page<FullAuditEntry>>('POST', 'audittrail/search', {
    body: { ...bodyOf(filter), ...(cursor ? { cursor } : {}), limit: 50 }, signal: s,
  }), [key]);
  const [form, setForm] = useState<Filter>(filter);
  // The address is the truth (back, forward, a shared link): the form follows it.
  // (`key` is the filter as one string: the effect runs when the address changes, not on every render.)
  useEffect(() => setForm(filter), [key]);
  const apply = (next: Filter) => {
    const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ''));
    setForm(next);
    // The same search again is a refresh (entries keep coming); a changed one goes through the address.
    if (q.toString() === new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString()) results.reload();
    else navigate(`/audit?${q}`);
  };
  const submit = (e: FormEvent) => { e.preventDefault(); apply(form); };
  const input = (name: keyof Filter, props: Record<string, unknown> = {}) =>
    <input name={name} value={form[name]} onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))} {...props} />;
  const errors = results.error instanceof ApiError ? results.error.fieldErrors() : {};
  return (
    <section>
      <h1>Audit trail</h1>
      <form className="card stack" role="search" aria-label="Search the audit trail" onSubmit={submit}>
        <div className="form-grid">
          <Field label="Text" error={errors.q} hint="All words, as prefixes, in the sentence, id, actor or event">{input('q', { type: 'search', maxLength: 200 })}</Field>
          <Field label="Entity type" error={errors.entityType}>
            <select name="entityType" value={form.entityType} onChange={(e) => setForm((f) => ({ ...f, entityType: e.target.value }))}>
              <option value="">Any</option>
              {ENTITY_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </Field>
          <Field label="Entity id" error={errors.entityId}>{input('entityId', { maxLength: 200 })}</Field>
          <Field label="Event types" error={errorFor(errors, 'eventTypes')} hint="Comma separated, e.g. KpiUpdated, AlertAcknowledged">{input('eventTypes')}</Field>
          <Field label="Actor" error={errors.actor} hint="User or API key id">{input('actor', { maxLength: 200 })}</Field>
          <Field label="Correlation id" error={errors.correlationId}>{input('correlationId', { maxLength: 200 })}</Field>
          <Field label="Changed field" error={errors.field} hint="e.g. maxThreshold">{input('field', { maxLength: 64 })}</Field>
          <Field label="From" error={errors.from}>{input('from', { type: 'datetime-local' })}</Field>
          <Field label="To" error={errors.to}>{input('to', { type: 'datetime-local' })}</Field>
        </div>
        <div className="row">
          <button type="submit">Search</button>
          <button type="button" className="secondary" onClick={() => apply(EMPTY)}>Clear</button>
          <ExportButton body={bodyOf(filter)} />
        </div>
      </form>
      <h2>Results</h2>
      <AuditEntries entries={results.items} onCorrelation={(id) => apply({ ...EMPTY, correlationId: id })} />
      <MoreButton pages={results} noun="entry" plural="entries" />
    </section>
  );
}

/** Every entry the search shown matches (not only the loaded pages), as a CSV file. */
function ExportButton({ body }: { body: Record<string, unknown> }) {
  const download = useAction();
  const run = () => void download.run(async () => {
    const res = await authorizedFetch(`${API_BASE}/audittrail/export`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, format: 'csv' }),
    });
    if (!res.ok) {
      release(res);
      throw new Error(`the export failed (HTTP ${res.status})`);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: 'audit-trail.csv' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return (
    <>
      <button type="button" className="secondary" onClick={run} disabled={download.busy}>{download.busy ? 'Exporting…' : 'Download CSV'}</button>
      <ErrorMessage error={download.error} />
    </>
  );
}

import { api } from '../api/client.ts';
import type { FullAuditEntry } from '../api/admin-types.ts';
import { useLiveReload } from '../api/use-live-reload.ts';
import type { Page } from '../api/types.ts';
import { usePages } from '../api/use-pages.ts';
import { useResource } from '../api/use-resource.ts';
import { AuditEntries } from '../components/audit-entries.tsx';
import { MoreButton } from '../components/paging.tsx';
import { Link, navigate, type PageProps } from '../router.tsx';

/** Per entity type: its noun, where the entity itself is shown, and how to read its display name. */
const ENTITIES: Record<string, { noun: string; page: (id: string) => string; name?: (id: string, s: AbortSignal) => Promise<string> }> = {
  kpi: { noun: 'KPI', page: (id) => `/kpis/${encodeURIComponent(id)}`, name: (id, s) => api.get<{ indicator: string }>(`kpis/${encodeURIComponent(id)}`, {}, s).then((k) => k.indicator) },
  alert: { noun: 'alert', page: (id) => `/alerts/${encodeURIComponent(id)}`, name: (id, s) => api.get<{ subject: string }>(`alerts/${encodeURIComponent(id)}`, {}, s).then((a) => a.subject) },
  contact: { noun: 'contact', page: () => '/contacts', name: (id, s) => api.get<{ name: string }>(`contacts/${encodeURIComponent(id)}`, {}, s).then((c) => c.name) },
  datasource: { noun: 'data source', page: () => '/datasources', name: (id, s) => api.get<{ name: string }>(`datasources/${encodeURIComponent(id)}`, {}, s).then((d) => d.name) },
  apikey: { noun: 'API key', page: () => '/apikeys', name: (id, s) => api.get<{ name: string }>(`apikey/${encodeURIComponent(id)}`, {}, s).then((k) => k.name) },
  user: { noun: 'user', page: () => '/users' },
  team: { noun: 'team', page: () => '/teams', name: (id, s) => api.get<{ name: string }>(`teams/${encodeURIComponent(id)}`, {}, s).then((t) => t.name) },
  route: { noun: 'route', page: () => '/routes', name: (id, s) => api.get<{ name: string }>(`routes/${encodeURIComponent(id)}`, {}, s).then((r) => r.name) },
  escalationchain: {
    noun: 'escalation chain', page: () => '/escalation-chains',
    name: (id, s) => api.get<{ name: string }>(`escalation-chains/${encodeURIComponent(id)}`, {}, s).then((c) => c.name),
  },
};

/** One entity's history (GET /audittrail/entity/{type}/{id}), newest first, each change with its field diff. */
export function TimelinePage({ params }: PageProps) {
  const type = params.type!;
  const id = params.id!;
  const entries = usePages((cursor, s) =>
    api.get<Page<FullAuditEntry>>(`audittrail/entity/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, { cursor, limit: 50 }, s), [type, id]);
  useLiveReload((m) => (m.data as { entityId?: string } | null)?.entityId === id, entries.reload);
  const entity = ENTITIES[type];
  // A deleted entity has no name to read any more: the id stands in.
  const name = useResource((s) => entity?.name?.(id, s) ?? Promise.resolve(null), [type, id]);
  return (
    <section>
      <div className="page-head">
        <h1>History of {entity?.noun ?? type} {name.data ? `“${name.data}”` : id}</h1>
        <div className="row">
          {entity && <Link to={entity.page(id)} className="button secondary">Open the {entity.noun}</Link>}
          <Link to={`/audit?entityType=${encodeURIComponent(type)}&entityId=${encodeURIComponent(id)}`} className="button secondary">Search its entries</Link>
        </div>
      </div>
      {name.data && <p className="muted small">{type} {id}</p>}
      <AuditEntries entries={entries.items} showEntity={false}
        onCorrelation={(c) => navigate(`/audit?correlationId=${encodeURIComponent(c)}`)} />
      <MoreButton pages={entries} noun="entry" plural="entries" />
    </section>
  );
}

import { api } from '../api/client.ts';
import type { FullAuditEntry } from '../api/admin-types.ts';
import { useLive } from '../api/live.ts';
import type { Page } from '../api/types.ts';
import { usePages } from '../api/use-pages.ts';
import { AuditEntries } from '../components/audit-entries.tsx';
import { MoreButton } from '../components/paging.tsx';
import { Link, navigate, type PageProps } from '../router.tsx';

/** Where an entity itself is shown, for the link back from its timeline. */
const ENTITY_PAGE: Record<string, (id: string) => string> = {
  kpi: (id) => `/kpis/${encodeURIComponent(id)}`, alert: (id) => `/alerts/${encodeURIComponent(id)}`,
  contact: () => '/contacts', datasource: () => '/datasources', apikey: () => '/apikeys', user: () => '/users',
};

/** One entity's history (GET /audittrail/entity/{type}/{id}), newest first, each change with its field diff. */
export function TimelinePage({ params }: PageProps) {
  const type = params.type!;
  const id = params.id!;
  const entries = usePages((cursor, s) =>
    api.get<Page<FullAuditEntry>>(`audittrail/entity/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, { cursor, limit: 50 }, s), [type, id]);
  useLive((m) => { if ((m.data as { entityId?: string } | null)?.entityId === id) entries.reload(); });
  const page = ENTITY_PAGE[type];
  return (
    <section>
      <div className="page-head">
        <h1>History of {type} {id}</h1>
        <div className="row">
          {page && <Link to={page(id)} className="button secondary">Open the {type}</Link>}
          <Link to={`/audit?entityType=${encodeURIComponent(type)}&entityId=${encodeURIComponent(id)}`} className="button secondary">Search its entries</Link>
        </div>
      </div>
      <AuditEntries entries={entries.items} showEntity={false}
        onCorrelation={(c) => navigate(`/audit?correlationId=${encodeURIComponent(c)}`)} />
      <MoreButton pages={entries} noun="entry" plural="entries" />
    </section>
  );
}

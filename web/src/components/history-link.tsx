import { useGrants } from '../api/me.ts';
import { Link } from '../router.tsx';

/** The path of an entity's audit timeline (`kpi`, `contact`, `datasource`, `alert`, `user`, `apikey`, `team`, `route`, `escalationchain`). */
export const timelinePath = (entityType: string, entityId: string): string =>
  `/audit/${encodeURIComponent(entityType)}/${encodeURIComponent(entityId)}`;

/**
 * "History" next to an entity: its audit timeline with field diffs. `name` makes the link distinct for
 * screen readers. Offered only to callers who may read the audit trail (a viewer would meet a refusal).
 */
export function HistoryLink({ type, id, name }: { type: string; id: string; name?: string }) {
  if (!useGrants('audit:read')) return null;
  return <Link to={timelinePath(type, id)} aria-label={name ? `History of ${name}` : undefined}>History</Link>;
}

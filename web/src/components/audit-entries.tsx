import type { FullAuditEntry } from '../api/admin-types.ts';
import { useActorNames } from '../api/actor-names.ts';
import { formatTime } from '../format.ts';
import { Link } from '../router.tsx';
import { timelinePath } from './history-link.tsx';

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** The fields a change touched, without those that came out equal. */
export const changedFields = (changes: FullAuditEntry['changes']) => Object.entries(changes ?? {}).filter(([, c]) => show(c.from) !== show(c.to));

/** Before → after for each field a change touched (fields that came out equal are left out). */
export function DiffTable({ changes }: { changes: FullAuditEntry['changes'] }) {
  const rows = changedFields(changes);
  if (rows.length === 0) return null;
  return (
    <table className="diff">
      <caption className="sr-only">Fields changed</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
      <tbody>
        {rows.map(([field, c]) => (
          <tr key={field}><th scope="row">{field}</th><td><del>{show(c.from)}</del></td><td><span className="sr-only">changed to </span><ins>{show(c.to)}</ins></td></tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Audit entries, newest first: the sentence, when, who, the field diff, and links to the entity's
 * timeline and to everything the same request caused (`onCorrelation`, when given).
 */
export function AuditEntries({ entries, showEntity = true, onCorrelation }: {
  entries: readonly FullAuditEntry[]; showEntity?: boolean; onCorrelation?: (id: string) => void;
}) {
  const actor = useActorNames();
  if (entries.length === 0) return <p className="muted">No entries.</p>;
  return (
    <ol className="audit-list">
      {entries.map((e) => (
        <li key={e.position}>
          <p><strong>{e.summary}</strong></p>
          <p className="muted small">
            <time dateTime={e.recordedAt}>{formatTime(e.recordedAt)}</time> · {e.actorKind} {actor(e.actor)} · {e.eventType}
            {showEntity && e.entityId && <> · <Link to={timelinePath(e.entityType, e.entityId)}>{e.entityType} {e.entityId}</Link></>}
            {' '}· version {e.entityVersion}
            {e.correlationId && onCorrelation && <> · <button type="button" className="link" onClick={() => onCorrelation(e.correlationId!)}
              aria-label={`Everything caused by the request ${e.correlationId}`}>same request</button></>}
          </p>
          {e.eventType.endsWith('Created') ? (
            <details><summary>Fields as created</summary><DiffTable changes={e.changes} /></details>
          ) : <DiffTable changes={e.changes} />}
        </li>
      ))}
    </ol>
  );
}

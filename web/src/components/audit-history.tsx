import { useActorNames } from '../api/actor-names.ts';
import type { AuditEntry } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { changedFields, DiffTable } from './audit-entries.tsx';

/** An entity's audit history, newest first: who did what, with the field diff of each change. */
export function AuditHistory({ entries }: { entries: readonly AuditEntry[] }) {
  const actor = useActorNames();
  if (entries.length === 0) return <p className="muted">No history yet.</p>;
  return (
    <ol className="audit-list">
      {entries.map((e) => {
        const changed = changedFields(e.changes).length;
        return (
          <li key={e.position}>
            <p><strong>{e.summary}</strong></p>
            <p className="muted small">{formatTime(e.recordedAt)} · {e.actorKind} {actor(e.actor)} · {e.eventType} · version {e.entityVersion}</p>
            {changed > 0 && (
              <details open={e.eventType !== 'KpiCreated'}>
                <summary>{changed} field{changed > 1 ? 's' : ''} changed</summary>
                <DiffTable changes={e.changes} />
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}

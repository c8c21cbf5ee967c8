import { useActorNames } from '../api/actor-names.ts';
import type { AuditEntry } from '../api/types.ts';
import { formatTime } from '../format.ts';

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** An entity's audit history, newest first: who did what, with the field diff of each change. */
export function AuditHistory({ entries }: { entries: readonly AuditEntry[] }) {
  const actor = useActorNames();
  if (entries.length === 0) return <p className="muted">No history yet.</p>;
  return (
    <ol className="audit-list">
      {entries.map((e) => {
        const changes = Object.entries(e.changes ?? {}).filter(([, c]) => show(c.from) !== show(c.to));
        return (
          <li key={e.position}>
            <p><strong>{e.summary}</strong></p>
            <p className="muted small">{formatTime(e.recordedAt)} · {e.actorKind} {actor(e.actor)} · {e.eventType} · version {e.entityVersion}</p>
            {changes.length > 0 && (
              <details open={e.eventType !== 'KpiCreated'}>
                <summary>{changes.length} field{changes.length > 1 ? 's' : ''} changed</summary>
                <table className="diff">
                  <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
                  <tbody>
                    {changes.map(([field, c]) => (
                      <tr key={field}><th scope="row">{field}</th><td><del>{show(c.from)}</del></td><td><ins>{show(c.to)}</ins></td></tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}

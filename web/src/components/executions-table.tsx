import { useState } from 'react';
import type { ExecutionRecord } from '../api/types.ts';
import { formatNumber, formatPercent, formatTime } from '../format.ts';
import { describeBand, describeReason } from '../rule-text.ts';
import { StatusBadge } from './badge.tsx';

const PAGE = 50;

/** The execution history, newest first, errors in full, with the band each run was judged against; 50 rows at a time. */
export function ExecutionsTable({ rows }: { rows: readonly ExecutionRecord[] }) {
  const [count, setCount] = useState(PAGE);
  if (rows.length === 0) return <p className="muted">No executions in this range.</p>;
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Executions, newest first</caption>
          <thead>
            <tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Series</th><th scope="col">Status</th><th scope="col">Value</th>
              <th scope="col">Baseline</th><th scope="col">Deviation</th><th scope="col">Band</th><th scope="col">Outcome</th><th scope="col">Duration</th></tr>
          </thead>
          <tbody>
            {rows.slice(0, count).map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.startedAt)}</td>
                <td>{r.trigger}</td>
                <td>{r.key ?? '—'}</td>
                <td><StatusBadge status={r.status} />{r.error && <div className="cell-error">{r.error}</div>}</td>
                <td>{formatNumber(r.value)}</td>
                <td>{formatNumber(r.baseline)}</td>
                <td>{formatPercent(r.deviationPercent)}</td>
                <td>{describeBand(r.band)}</td>
                <td>
                  {r.outcome ? <StatusBadge status={r.outcome} /> : '—'}
                  {r.reasons && r.reasons.length > 0 && <div className="small">{r.reasons.map(describeReason).join('; ')}</div>}
                  {r.noJudgementReason && <div className="small muted">{r.noJudgementReason.replace(/_/g, ' ')}</div>}
                  {r.anomalous && <div className="small muted">kept out of later baselines</div>}
                </td>
                <td>{r.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > count && (
        <button type="button" className="secondary more" onClick={() => setCount((c) => c + PAGE)}>
          Show {Math.min(PAGE, rows.length - count)} more of {rows.length - count}
        </button>
      )}
    </>
  );
}

import type { DefinitionTest, Evaluation, SeriesResult } from '../api/types.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { describeBand, describeBasis, describeReason } from '../rule-text.ts';
import { StatusBadge } from './badge.tsx';

const INCIDENT = { opened: 'an incident opens (its alert)', ended: 'the incident ends (its alert resolves)' } as const;

function outcomeText(s: SeriesResult): string {
  const found = s.outcome.kind === 'breach' ? (s.outcome.reasons ?? []).map(describeReason).join('; ')
    : s.outcome.kind === 'no_judgement' ? (s.outcome.reason ?? '').replace(/_/g, ' ') : '';
  return [found, s.incident ? INCIDENT[s.incident] : ''].filter(Boolean).join('; ');
}

/** What one run (real, dry or an editor test) found: status, then value, baseline, deviation, band (and what it stood on) and outcome per series. */
export function RunResult({ result, title }: { result: Evaluation | DefinitionTest; title: string }) {
  const messages = 'messages' in result ? result.messages : [];
  return (
    <section className="card run-result" aria-label={title}>
      <h3>{title} <StatusBadge status={result.status} /></h3>
      {result.error && <p className="error-box">{result.error}</p>}
      <p className="muted small">
        Window {new Date(result.windowStart).toLocaleTimeString()}–{new Date(result.windowEnd).toLocaleTimeString()} · {result.durationMs} ms
        {result.backfilled > 0 && ` · ${result.backfilled} past windows run for the baseline`}
      </p>
      {result.series.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Series</th><th scope="col">Value</th><th scope="col">Baseline</th><th scope="col">Deviation</th><th scope="col">Band</th><th scope="col">Outcome</th></tr></thead>
            <tbody>
              {result.series.map((s) => (
                <tr key={s.key ?? ''}>
                  <td>{s.key ?? '(single)'}</td>
                  <td data-label="Value">{formatNumber(s.value)}</td>
                  <td data-label="Baseline">{formatNumber(s.baseline)}</td>
                  <td>{formatPercent(s.deviationPercent)}</td>
                  <td>{describeBand(s.band)}<div className="muted small">{describeBasis(s.basis)}</div></td>
                  <td><StatusBadge status={s.outcome.kind} /> <span className="small">{outcomeText(s)}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {messages.map((m) => (
        <div key={m.key ?? ''} className="message-preview">
          <h4>Alert message{m.key ? ` for ${m.key}` : ''} ({m.severity})</h4>
          <p><strong>Subject:</strong> <span className="subject">{m.subject}</span></p>
          <pre className="body">{m.body}</pre>
          <p className="small"><strong>SMS (priority 1):</strong> {m.sms}</p>
        </div>
      ))}
    </section>
  );
}

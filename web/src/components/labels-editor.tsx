import { useId } from 'react';
import type { LabelRow } from '../api/labels.ts';

/**
 * Name/value rows (`team` = `payments`) with add and remove. `error`: the API's first error under the
 * labels (a bad name, too many), shown under the group.
 */
export function LabelsEditor({ legend, rows, onChange, error, hint }: {
  legend: string; rows: readonly LabelRow[]; onChange: (rows: LabelRow[]) => void; error?: string | undefined; hint?: string;
}) {
  const id = useId();
  const set = (i: number, part: keyof LabelRow, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [part]: value } : r)));
  return (
    <fieldset className="choices labels-editor" aria-describedby={[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      {hint && <span id={`${id}-hint`} className="muted small">{hint}</span>}
      {rows.map((r, i) => (
        <div key={i} className="row">
          <input aria-label={`Label ${i + 1} name`} placeholder="name" maxLength={63} spellCheck={false} value={r.name} onChange={(e) => set(i, 'name', e.target.value)} />
          <span aria-hidden="true">=</span>
          <input aria-label={`Label ${i + 1} value`} placeholder="value" maxLength={200} value={r.value} onChange={(e) => set(i, 'value', e.target.value)} />
          <button type="button" className="secondary" aria-label={`Remove label ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      <div className="row">
        <button type="button" className="secondary" onClick={() => onChange([...rows, { name: '', value: '' }])} disabled={rows.length >= 32}>Add label</button>
      </div>
      {error && <span id={`${id}-error`} className="field-error">{error}</span>}
    </fieldset>
  );
}

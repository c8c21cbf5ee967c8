import { useId } from 'react';
import type { LabelRow } from '../api/labels.ts';

/**
 * Name/value rows (`team` = `payments`) with add and remove. `errors`: the API's field errors; those at
 * `<path>/<name>` show by their row, one at `<path>` (too many labels) under the group.
 */
export function LabelsEditor({ legend, rows, onChange, errors, path, hint }: {
  legend: string; rows: readonly LabelRow[]; onChange: (rows: LabelRow[]) => void; errors: Readonly<Record<string, string>>; path: string; hint?: string;
}) {
  const id = useId();
  const set = (i: number, part: keyof LabelRow, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [part]: value } : r)));
  const groupError = errors[path];
  return (
    <fieldset className="choices labels-editor" aria-describedby={[hint && `${id}-hint`, groupError && `${id}-error`].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      {hint && <span id={`${id}-hint`} className="muted small">{hint}</span>}
      {rows.map((r, i) => {
        const error = errors[`${path}/${r.name.trim()}`];
        const errorId = `${id}-${i}-error`;
        const described = { 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined };
        return (
          <div key={i} className="stack tight">
            <div className="row">
              <input aria-label={`Label ${i + 1} name`} placeholder="name" maxLength={63} spellCheck={false} value={r.name} onChange={(e) => set(i, 'name', e.target.value)} {...described} />
              <span aria-hidden="true">=</span>
              <input aria-label={`Label ${i + 1} value`} placeholder="value" maxLength={200} value={r.value} onChange={(e) => set(i, 'value', e.target.value)} {...described} />
              <button type="button" className="secondary" aria-label={`Remove label ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>
            </div>
            {error && <span id={errorId} className="field-error">{error}</span>}
          </div>
        );
      })}
      <div className="row">
        <button type="button" className="secondary" onClick={() => onChange([...rows, { name: '', value: '' }])} disabled={rows.length >= 32}>Add label</button>
      </div>
      {groupError && <span id={`${id}-error`} className="field-error">{groupError}</span>}
    </fieldset>
  );
}

import { useId } from 'react';
import type { Named } from '../api/types.ts';

/**
 * A group of checkboxes, one per option (contacts, channels, teams): the ids ticked, the API's error for
 * the group under it, tied to the group for screen readers.
 */
export function ChoiceList({ legend, options, chosen, onChange, error, empty, name }: {
  legend: string; name?: string; options: readonly Named[]; chosen: readonly string[]; onChange: (ids: string[]) => void; error?: string | undefined; empty: string;
}) {
  const id = useId();
  return (
    <fieldset className="choices" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.length === 0 && <p className="muted small">{empty}</p>}
      {options.map((o) => (
        <label key={o.id} className="inline">
          <input type="checkbox" name={name} value={o.id} checked={chosen.includes(o.id)} onChange={(e) => onChange(toggled(chosen, o.id, e.target.checked))} />
          {o.name}
        </label>
      ))}
      {error && <span id={`${id}-error`} className="field-error">{error}</span>}
    </fieldset>
  );
}

/** `list` with `value` in (on) or out: the ids behind ticked boxes. */
export const toggled = <T,>(list: readonly T[], value: T, on: boolean): T[] => (on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value));

import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

/**
 * A labelled form control with its hint and its error (from the API's field errors, by path), both
 * tied to the control with aria-describedby so a screen reader reads them with the field.
 */
export function Field({ label, error, hint, children }: { label: ReactNode; error?: string | undefined; hint?: ReactNode; children: ReactElement<Record<string, unknown>> }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && <span id={`${id}-hint`} className="muted small">{hint}</span>}
      {error && <span id={`${id}-error`} className="field-error">{error}</span>}
    </div>
  );
}

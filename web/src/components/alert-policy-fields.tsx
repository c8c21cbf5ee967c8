import type { ReactElement } from 'react';
import type { KpiForm } from '../api/kpi-form.ts';
import { Field } from './field.tsx';

interface Props {
  input: (name: keyof KpiForm, props?: Record<string, unknown>) => ReactElement<Record<string, unknown>>;
  err: (n: string) => string | undefined;
}

const SERVICE_DEFAULT = 'Empty: the service setting';

/** The KPI's own alert policy; every field left empty follows the service's ALERT_* setting. */
export function AlertPolicyFields({ input, err }: Props) {
  const count = (name: keyof KpiForm) => input(name, { type: 'number', min: 1, max: 1000, placeholder: SERVICE_DEFAULT });
  const minutes = (name: keyof KpiForm) => input(name, { type: 'number', min: 0, max: 525600, placeholder: SERVICE_DEFAULT });
  return (
    <fieldset><legend>Alert policy</legend>
      <Field label="Breaching runs before an alert opens" error={err('pendingExecutions')} hint="Without a service setting: automatic (at once for a far-off value, else when the breach persists)">
        {count('pendingExecutions')}
      </Field>
      <Field label="Normal runs before it resolves" error={err('resolveAfterExecutions')} hint="Without a service setting: automatic (once normal about as long as the incident lasted, at least 3 runs)">
        {count('resolveAfterExecutions')}
      </Field>
      <Field label="Failed runs before a “KPI failing” alert" error={err('failingAfterFailures')}>{count('failingAfterFailures')}</Field>
      <Field label="Reminder interval (minutes)" error={err('reminderMinutes')} hint="While firing and unacknowledged; 0 = never">{minutes('reminderMinutes')}</Field>
      <Field label="Escalate after (minutes)" error={err('escalateAfterMinutes')} hint="To the owner's contact when unacknowledged this long; 0 = never">{minutes('escalateAfterMinutes')}</Field>
    </fieldset>
  );
}

import type { Kpi } from '../kpis/kpi.ts';
import { renderKpiMessage, type Message } from './render.ts';
import { breachSeverity, type Severity } from './severity.ts';
import { SMS_MAX_CHARS } from './notify.ts';

export interface PreviewInput {
  readonly value: number;
  readonly baseline?: number | null | undefined;
  /** Default: from value and baseline. */
  readonly deviationPercent?: number | null | undefined;
  readonly key?: string | undefined;
}

/** Signed deviation of `value` from `baseline` in percent; null when there is no (non-zero) baseline. */
export const deviationOf = (value: number, baseline: number | null): number | null =>
  baseline === null || baseline === 0 ? null : ((value - baseline) / Math.abs(baseline)) * 100;

/** What an alert of this KPI would say for a given value: subject, body, the SMS text, and the severity. */
export function previewMessage(kpi: Kpi, input: PreviewInput, link: string, now: Date): Message & { severity: Severity; sms: string } {
  const baseline = input.baseline ?? null;
  const deviationPercent = input.deviationPercent !== undefined && input.deviationPercent !== null ? input.deviationPercent : deviationOf(input.value, baseline);
  const severity = breachSeverity(deviationPercent, kpi.priority);
  const m = renderKpiMessage(kpi, { key: input.key ?? '', value: input.value, baseline, deviationPercent, severity, at: now, link });
  return { ...m, severity, sms: m.subject.slice(0, SMS_MAX_CHARS) };
}

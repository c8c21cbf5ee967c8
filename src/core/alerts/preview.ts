import { conflict, invalid, notFound } from '../errors.ts';
import { seriesKeyOut } from '../executions/transitions.ts';
import type { RecordedRun } from '../executions/ports.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { Range } from '../detection/rule.ts';
import type { TxPorts } from '../ports.ts';
import { renderKpiMessage, type Message } from './render.ts';
import { breachSeverity, type Severity } from './severity.ts';
import { SMS_MAX_CHARS } from './notify.ts';

export interface PreviewInput {
  readonly value: number;
  readonly baseline?: number | null | undefined;
  /** Default: from value and baseline. */
  readonly deviationPercent?: number | null | undefined;
  readonly key?: string | undefined;
  /** What the rules accepted (a recorded run's band); unknown for numbers given by hand. */
  readonly band?: Range | null | undefined;
}

/** What to preview: numbers given by hand, or (no value) the KPI's last execution, optionally one `key` of it. */
export type PreviewRequest = Partial<Omit<PreviewInput, 'value'>> & { readonly value?: number | null | undefined };

export type Preview = Message & {
  severity: Severity;
  sms: string;
  /** The run the numbers come from; null when they were given. */
  execution: { runId: string; slot: Date; key: string | null } | null;
};

/** Signed deviation of `value` from `baseline` in percent; null when there is no (non-zero) baseline. */
export const deviationOf = (value: number, baseline: number | null): number | null =>
  baseline === null || baseline === 0 ? null : ((value - baseline) / Math.abs(baseline)) * 100;

/** What an alert of this KPI would say for a given value: subject, body, the SMS text, and the severity. */
export function previewMessage(kpi: Kpi, input: PreviewInput, link: string, now: Date): Message & { severity: Severity; sms: string } {
  const baseline = input.baseline ?? null;
  const deviationPercent = input.deviationPercent !== undefined && input.deviationPercent !== null ? input.deviationPercent : deviationOf(input.value, baseline);
  const severity = breachSeverity(deviationPercent, kpi.priority);
  const m = renderKpiMessage(kpi, { key: input.key ?? '', value: input.value, baseline, deviationPercent, band: input.band ?? null, severity, at: now, link });
  return { ...m, severity, sms: m.subject.slice(0, SMS_MAX_CHARS) };
}

/** The series of a run to preview: the one named `key`, else the first that breached, else the first with a value. */
export function seriesToPreview(run: RecordedRun, key: string | undefined): PreviewInput {
  const withValue = run.series.filter((s) => s.value !== null);
  const chosen = key !== undefined ? withValue.find((s) => (s.key ?? '') === key) : withValue.find((s) => s.breach) ?? withValue[0];
  if (chosen === undefined) {
    const keys = withValue.map((s) => `"${s.key ?? ''}"`).join(', ');
    throw invalid([{ path: '/key', message: `the last execution (${run.runId}) has no series "${key}"; it has ${keys}` }]);
  }
  return { value: chosen.value!, baseline: chosen.baseline, deviationPercent: chosen.deviationPercent, key: chosen.key ?? '', band: chosen.band };
}

/**
 * The preview use case: with a value, the message for it (at `now`); without, the message the KPI's last
 * execution would have sent (at its slot, as the alert would say). Nothing recorded yet is a conflict.
 */
export async function previewAlert(read: Pick<TxPorts, 'kpis' | 'executions'>, kpiId: string, request: PreviewRequest, link: string, now: Date): Promise<Preview> {
  const kpi = await read.kpis.get(kpiId);
  if (kpi === null) throw notFound('KPI', kpiId);
  if (request.value != null) return { ...previewMessage(kpi, { ...request, value: request.value, band: null }, link, now), execution: null };
  if (request.baseline != null || request.deviationPercent != null) {
    throw invalid([{ path: '/value', message: 'is required with baseline or deviationPercent (without a value the last execution is previewed)' }]);
  }
  const run = await read.executions.lastRunWithValue(kpiId);
  if (run === null) throw conflict(`nothing to preview: KPI ${kpiId} has no execution with a value yet; run it, or give a value to preview`);
  const input = seriesToPreview(run, request.key);
  return { ...previewMessage(kpi, input, link, run.slot), execution: { runId: run.runId, slot: run.slot, key: seriesKeyOut(input.key ?? '') } };
}

import { labelRowsOf, labelsOf, type LabelRow } from './labels.ts';
import type { Kpi, KpiFields, Sensitivity } from './types.ts';

/** The editor's state: every input as the text the user typed, so half-typed numbers are not lost. */
export type KpiForm = Record<Exclude<keyof KpiFields, 'contactIds' | 'labels' | 'active' | 'sensitivity'>, string> & {
  schedule: 'frequency' | 'cron'; contactIds: string[]; labels: LabelRow[]; active: boolean;
  /** '' = no adaptive band. */
  sensitivity: Sensitivity | '';
};

/** The API's defaults for a new KPI, as the editor shows them. */
export function emptyForm(): KpiForm {
  return {
    indicator: '', owner: '', priority: '2', schedule: 'frequency', frequencyMinutes: '5', cron: '', timezone: 'UTC', lastMinutes: '',
    sensitivity: 'medium', deviationPercent: '', direction: 'both', minThreshold: '', maxThreshold: '', thresholdCombine: 'any', baselineWeeks: '4',
    baselineAggregate: 'median', noDataPolicy: 'no_judgement', dataSourceId: '', query: '', subjectTemplate: '', descriptionTemplate: '', contactIds: [], labels: [],
    cooldownMinutes: '30', timeoutSeconds: '30', active: true,
    pendingExecutions: '', resolveAfterExecutions: '', failingAfterFailures: '', reminderMinutes: '', escalateAfterMinutes: '',
  };
}

const text = (v: number | string | null | undefined): string => (v === null || v === undefined ? '' : String(v));

export function formOf(k: Kpi): KpiForm {
  return {
    indicator: k.indicator, owner: k.owner, priority: String(k.priority), schedule: k.cron ? 'cron' : 'frequency',
    frequencyMinutes: text(k.frequencyMinutes), cron: text(k.cron), timezone: k.timezone, lastMinutes: text(k.lastMinutes),
    sensitivity: k.sensitivity ?? '', deviationPercent: text(k.deviationPercent), direction: k.direction, minThreshold: text(k.minThreshold), maxThreshold: text(k.maxThreshold),
    thresholdCombine: k.thresholdCombine, baselineWeeks: text(k.baselineWeeks), baselineAggregate: k.baselineAggregate, noDataPolicy: k.noDataPolicy ?? 'no_judgement',
    dataSourceId: k.dataSourceId, query: k.query, subjectTemplate: k.subjectTemplate, descriptionTemplate: k.descriptionTemplate,
    contactIds: [...k.contactIds], labels: labelRowsOf(k.labels), cooldownMinutes: text(k.cooldownMinutes), timeoutSeconds: text(k.timeoutSeconds), active: k.active,
    pendingExecutions: text(k.pendingExecutions), resolveAfterExecutions: text(k.resolveAfterExecutions),
    failingAfterFailures: text(k.failingAfterFailures), reminderMinutes: text(k.reminderMinutes), escalateAfterMinutes: text(k.escalateAfterMinutes),
  };
}

// A number field left empty: null where the API allows it (rules, alert policy), otherwise left out (the API's default).
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
const nullable = (s: string): number | null => (s.trim() === '' ? null : Number(s));
const optionalText = (s: string): string | undefined => (s === '' ? undefined : s);

/** The request body for POST /kpis, PATCH /kpis/{id} and POST /kpis/test; the API validates it. */
export function bodyOf(f: KpiForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    indicator: f.indicator.trim(), owner: f.owner.trim(), priority: Number(f.priority),
    frequencyMinutes: f.schedule === 'frequency' ? nullable(f.frequencyMinutes) : null,
    cron: f.schedule === 'cron' ? f.cron.trim() || null : null,
    timezone: optionalText(f.timezone), lastMinutes: num(f.lastMinutes),
    // Empty turns the rule off; the API refuses a KPI left with no rule at all (at /sensitivity).
    sensitivity: f.sensitivity === '' ? null : f.sensitivity, deviationPercent: nullable(f.deviationPercent),
    direction: f.direction, minThreshold: nullable(f.minThreshold), maxThreshold: nullable(f.maxThreshold), thresholdCombine: f.thresholdCombine,
    baselineWeeks: num(f.baselineWeeks), baselineAggregate: f.baselineAggregate, noDataPolicy: f.noDataPolicy, dataSourceId: f.dataSourceId, query: f.query,
    subjectTemplate: optionalText(f.subjectTemplate), descriptionTemplate: optionalText(f.descriptionTemplate), contactIds: f.contactIds, labels: labelsOf(f.labels),
    cooldownMinutes: num(f.cooldownMinutes), timeoutSeconds: num(f.timeoutSeconds), active: f.active,
    // Empty = the service's setting (null), so clearing a field hands the KPI back to the global policy.
    pendingExecutions: nullable(f.pendingExecutions), resolveAfterExecutions: nullable(f.resolveAfterExecutions),
    failingAfterFailures: nullable(f.failingAfterFailures), reminderMinutes: nullable(f.reminderMinutes), escalateAfterMinutes: nullable(f.escalateAfterMinutes),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

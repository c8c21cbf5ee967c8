import { SENSITIVITIES, type Sensitivity } from '../detection/sensitivity.ts';
import { diffFields, type Changes } from '../shared/changes.ts';
import { checkFinite, FieldErrors } from '../shared/validation.ts';
import type { FieldError } from '../errors.ts';
import { ALERT_POLICY_FIELDS, checkPolicyOverrides, type AlertPolicyOverrides } from './alert-policy.ts';
import { cronProblem, isValidTimeZone, periodMinutes, type Schedule } from './schedule.ts';
import { checkKpiStatement } from '../executions/statement-check.ts';
import type { DataSourceFields } from '../datasources/datasource.ts';
import { checkLabels, sortLabels, type KpiLabels } from './labels.ts';
import { DEFAULT_DESCRIPTION_TEMPLATE, DEFAULT_SUBJECT_TEMPLATE, unknownPlaceholders } from './templates.ts';

export const DIRECTIONS = ['drop', 'spike', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type ThresholdCombine = 'any' | 'all';
export type BaselineAggregate = 'mean' | 'median';
/** What a run whose query returned no rows means: ok, a breach (the "no data" alert), or nothing (the default). */
export const NO_DATA_POLICIES = ['ok', 'breach', 'no_judgement'] as const;
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

/** Everything an operator sets on a KPI; the alert policy overrides are null unless set (see alert-policy.ts). */
export interface KpiFields extends AlertPolicyOverrides {
  readonly indicator: string;
  readonly owner: string;
  /** 1 = SMS and email, 2 = email only. */
  readonly priority: 1 | 2;
  /** Either frequencyMinutes or cron is set, never both. */
  readonly frequencyMinutes: number | null;
  readonly cron: string | null;
  /** IANA time zone for the cron expression. */
  readonly timezone: string;
  /** The data window handed to the query as :forLastMinutes. */
  readonly lastMinutes: number;
  /** The adaptive band (core/detection): how unusual a value must be to breach; null = no band. */
  readonly sensitivity: Sensitivity | null;
  /** Accepted deviation from the baseline, in percent; null = no percentage rule. */
  readonly deviationPercent: number | null;
  readonly direction: Direction;
  readonly minThreshold: number | null;
  readonly maxThreshold: number | null;
  /** How the percent rule and the absolute thresholds combine: any one breaches, or all must. */
  readonly thresholdCombine: ThresholdCombine;
  readonly baselineWeeks: number;
  readonly baselineAggregate: BaselineAggregate;
  /** A run without rows: `ok`, `breach` (opens a "no data" alert) or `no_judgement` (default). */
  readonly noDataPolicy: NoDataPolicy;
  readonly dataSourceId: string;
  readonly query: string;
  readonly subjectTemplate: string;
  readonly descriptionTemplate: string;
  readonly contactIds: string[];
  readonly cooldownMinutes: number;
  /** Timeout of one execution of the query, in seconds. */
  readonly timeoutSeconds: number;
  readonly active: boolean;
  /** `{name: value}` that routing rules match on and templates show as `{labels.NAME}`; default `{}`. */
  readonly labels: KpiLabels;
}

export interface Kpi extends KpiFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type KpiInput = { -readonly [K in keyof KpiFields]?: KpiFields[K] | undefined };

export const KPI_FIELDS = [
  'indicator', 'owner', 'priority', 'frequencyMinutes', 'cron', 'timezone', 'lastMinutes', 'sensitivity', 'deviationPercent',
  'direction', 'minThreshold', 'maxThreshold', 'thresholdCombine', 'baselineWeeks', 'baselineAggregate',
  'dataSourceId', 'query', 'subjectTemplate', 'descriptionTemplate', 'contactIds', 'cooldownMinutes',
  'timeoutSeconds', 'active', ...ALERT_POLICY_FIELDS, 'noDataPolicy', 'labels',
] as const satisfies readonly (keyof KpiFields)[];

export function kpiSchedule(k: Pick<KpiFields, 'frequencyMinutes' | 'cron' | 'timezone'>): Schedule {
  return k.cron !== null
    ? { kind: 'cron', cron: k.cron, timezone: k.timezone }
    : { kind: 'interval', frequencyMinutes: k.frequencyMinutes ?? 60 };
}

/**
 * Merges an input over a base (the current KPI, or nothing for a new one) and fills defaults:
 * lastMinutes = the schedule's period, the adaptive band at medium sensitivity and no percentage rule,
 * cooldown 30 min, 4 baseline weeks by median, timeout 30 s, the global alert policy (overrides null).
 * Giving `cron` clears `frequencyMinutes` and the reverse, so a PATCH can switch schedule kinds.
 */
export function kpiFromInput(input: KpiInput, now: Date, base?: KpiFields): KpiFields {
  const pick = <K extends keyof KpiFields>(k: K, fallback: KpiFields[K]): KpiFields[K] =>
    (input[k] !== undefined ? input[k] : base !== undefined ? base[k] : fallback) as KpiFields[K];
  let frequencyMinutes = pick('frequencyMinutes', null);
  let cron = pick('cron', null);
  if (input.cron != null && input.frequencyMinutes === undefined) frequencyMinutes = null;
  if (input.frequencyMinutes != null && input.cron === undefined) cron = null;
  if (frequencyMinutes === null && cron === null && base === undefined) frequencyMinutes = 60;
  const timezone = pick('timezone', 'UTC');
  const schedule = kpiSchedule({ frequencyMinutes, cron, timezone });
  const scheduleChanged = base !== undefined && (base.frequencyMinutes !== frequencyMinutes || base.cron !== cron);
  const lastMinutesFallback = (): number => {
    try {
      return periodMinutes(schedule, now);
    } catch {
      return 60; // an invalid cron is reported by validateKpi; any number will do here
    }
  };
  const lastMinutes = input.lastMinutes ?? (base !== undefined && !scheduleChanged ? base.lastMinutes : lastMinutesFallback());
  return {
    indicator: pick('indicator', '').trim(),
    owner: pick('owner', '').trim(),
    priority: pick('priority', 2),
    frequencyMinutes,
    cron,
    timezone,
    lastMinutes,
    sensitivity: pick('sensitivity', 'medium'),
    deviationPercent: pick('deviationPercent', null),
    direction: pick('direction', 'both'),
    minThreshold: pick('minThreshold', null),
    maxThreshold: pick('maxThreshold', null),
    thresholdCombine: pick('thresholdCombine', 'any'),
    baselineWeeks: pick('baselineWeeks', 4),
    baselineAggregate: pick('baselineAggregate', 'median'),
    noDataPolicy: pick('noDataPolicy', 'no_judgement'),
    dataSourceId: pick('dataSourceId', ''),
    query: pick('query', ''),
    subjectTemplate: pick('subjectTemplate', DEFAULT_SUBJECT_TEMPLATE),
    descriptionTemplate: pick('descriptionTemplate', DEFAULT_DESCRIPTION_TEMPLATE),
    contactIds: [...new Set(pick('contactIds', []))],
    cooldownMinutes: pick('cooldownMinutes', 30),
    timeoutSeconds: pick('timeoutSeconds', 30),
    active: pick('active', true),
    labels: sortLabels(pick('labels', {})),
    pendingExecutions: pick('pendingExecutions', null),
    resolveAfterExecutions: pick('resolveAfterExecutions', null),
    failingAfterFailures: pick('failingAfterFailures', null),
    reminderMinutes: pick('reminderMinutes', null),
    escalateAfterMinutes: pick('escalateAfterMinutes', null),
  };
}

/**
 * Rules that span fields or need more than a JSON schema can say. References are checked by the command;
 * given the KPI's data source, the query is checked as a run checks it (statement-check.ts).
 */
export function validateKpi(k: KpiFields, source?: Pick<DataSourceFields, 'kind' | 'allowPrivilegedUser'> | null): FieldError[] {
  const errors = new FieldErrors();
  checkFinite(k, errors);
  errors.check(k.indicator.length > 0, '/indicator', 'must not be empty');
  errors.check(k.priority === 1 || k.priority === 2, '/priority', 'must be 1 (SMS and email) or 2 (email)');
  errors.check(k.owner.length > 0, '/owner', 'must not be empty');
  errors.check(k.query.trim().length > 0, '/query', 'must not be empty');
  if (source && k.query.trim().length > 0) {
    const statement = checkKpiStatement(k.query, source.kind, { privileged: source.allowPrivilegedUser });
    if (!statement.ok) for (const problem of statement.problems) errors.add('/query', problem);
  }
  errors.check(k.dataSourceId.length > 0, '/dataSourceId', 'is required');
  if (k.frequencyMinutes !== null && k.cron !== null) errors.add('/cron', 'give either frequencyMinutes or cron, not both');
  if (k.frequencyMinutes !== null) {
    errors.check(Number.isInteger(k.frequencyMinutes) && k.frequencyMinutes >= 1 && k.frequencyMinutes <= 10_080, '/frequencyMinutes', 'must be a whole number of minutes from 1 to 10080');
  }
  if (!isValidTimeZone(k.timezone)) errors.add('/timezone', `unknown time zone ${k.timezone}`);
  else if (k.cron !== null) {
    const problem = cronProblem(k.cron, k.timezone);
    if (problem !== null) errors.add('/cron', `invalid cron expression: ${problem}`);
  }
  errors.check(Number.isInteger(k.lastMinutes) && k.lastMinutes >= 1 && k.lastMinutes <= 525_600, '/lastMinutes', 'must be a whole number from 1 to 525600');
  if (k.deviationPercent !== null) errors.check(k.deviationPercent >= 0, '/deviationPercent', 'must be null (no percentage rule) or a number from 0');
  if (k.sensitivity !== null) errors.check(SENSITIVITIES.includes(k.sensitivity), '/sensitivity', `must be null (no band) or one of ${SENSITIVITIES.join(', ')}`);
  errors.check(k.sensitivity !== null || k.deviationPercent !== null || k.minThreshold !== null || k.maxThreshold !== null,
    '/sensitivity', 'a KPI needs at least one rule: sensitivity (the adaptive band), deviationPercent, minThreshold or maxThreshold');
  if (k.minThreshold !== null && k.maxThreshold !== null) {
    errors.check(k.minThreshold <= k.maxThreshold, '/minThreshold', 'must not be greater than maxThreshold');
  }
  errors.check(Number.isInteger(k.baselineWeeks) && k.baselineWeeks >= 1 && k.baselineWeeks <= 52, '/baselineWeeks', 'must be a whole number from 1 to 52');
  errors.check(Number.isInteger(k.cooldownMinutes) && k.cooldownMinutes >= 0 && k.cooldownMinutes <= 100_000, '/cooldownMinutes', 'must be a whole number from 0 to 100000');
  errors.check(Number.isInteger(k.timeoutSeconds) && k.timeoutSeconds >= 1 && k.timeoutSeconds <= 3600, '/timeoutSeconds', 'must be a whole number from 1 to 3600');
  checkPolicyOverrides(k, errors);
  checkLabels(k.labels, errors, '/labels');
  for (const [path, template] of [['/subjectTemplate', k.subjectTemplate], ['/descriptionTemplate', k.descriptionTemplate]] as const) {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) errors.add(path, `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{${u}}`).join(', ')}`);
  }
  return errors.list;
}

export const diffKpi = (before: KpiFields, after: KpiFields): Changes => diffFields(before, after, KPI_FIELDS);

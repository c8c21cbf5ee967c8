import type { Severity } from '../alerts/severity.ts';
import type { KpiLabels } from '../kpis/labels.ts';
import { diffFields, type Changes } from '../shared/changes.ts';

/**
 * What a rule looks at. An absent matcher matches every alert; a rule matches when all its given
 * matchers do. `labels`: every listed label of the KPI has exactly that value.
 */
export interface RouteMatch {
  readonly owners?: readonly string[];
  readonly priorities?: readonly (1 | 2)[];
  readonly severities?: readonly Severity[];
  readonly labels?: KpiLabels;
}

/** Where a route sends an alert: teams, channels, and the escalation chain fixed on the alert. */
export interface RouteTargets {
  readonly teams: readonly string[];
  readonly channels: readonly string[];
  /** An escalation chain id (`esc_…`) or null. */
  readonly escalationChainId: string | null;
}

export interface RouteFields extends RouteTargets {
  readonly name: string;
  /** Rules are tried by ascending position; equal positions by id (creation order). */
  readonly position: number;
  readonly match: RouteMatch;
  /** true = after this rule matched, the search goes on to the next rules. */
  readonly continue: boolean;
}

export interface RouteRule extends RouteFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The route used only when no rule matched. Version 0 = never set (no teams, no channels). */
export interface DefaultRoute extends RouteTargets {
  readonly version: number;
  readonly updatedAt: Date | null;
}

export const ROUTE_FIELDS = ['name', 'position', 'match', 'teams', 'channels', 'escalationChainId', 'continue'] as const satisfies readonly (keyof RouteFields)[];
export const DEFAULT_ROUTE_FIELDS = ['teams', 'channels', 'escalationChainId'] as const satisfies readonly (keyof RouteTargets)[];

export const EMPTY_DEFAULT_ROUTE: DefaultRoute = { teams: [], channels: [], escalationChainId: null, version: 0, updatedAt: null };

/** The gap left between positions when a rule is appended, so another can go between two without moving them. */
export const POSITION_STEP = 10;

/** What routing knows of an alert: its KPI's owner, priority and labels, and its severity. */
export interface RoutableAlert {
  readonly kpi: { readonly id: string; readonly owner: string; readonly priority: 1 | 2; readonly labels: KpiLabels };
  readonly severity: Severity;
}

/**
 * Where an alert goes besides the KPI's own contacts and channels: the rules that matched (in order),
 * whether the default route was used instead, the teams and channels they name (each once, first
 * mention first), and the escalation chain.
 */
export interface RouteDecision {
  readonly matchedRouteIds: string[];
  readonly usedDefault: boolean;
  readonly teamIds: string[];
  readonly channelIds: string[];
  readonly escalationChainId: string | null;
}

const has = <T>(list: readonly T[] | undefined, v: T): boolean => list === undefined || list.includes(v);

export function matches(m: RouteMatch, alert: RoutableAlert): boolean {
  return has(m.owners, alert.kpi.owner) && has(m.priorities, alert.kpi.priority) && has(m.severities, alert.severity)
    && Object.entries(m.labels ?? {}).every(([name, value]) => alert.kpi.labels[name] === value);
}

/** Rules in the order they are tried: position, then id. */
export const orderRules = <T extends Pick<RouteRule, 'position' | 'id'>>(rules: readonly T[]): T[] =>
  [...rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Decides where an alert goes. Rules are tried by ascending position; the first match is used and the
 * search stops there unless that rule says `continue`. The chain is the first matched rule's that names
 * one. Without any match the default route decides (its teams, channels and chain).
 */
export function routeAlert(alert: RoutableAlert, rules: readonly RouteRule[], defaultRoute: RouteTargets): RouteDecision {
  const matched: RouteRule[] = [];
  for (const rule of orderRules(rules)) {
    if (!matches(rule.match, alert)) continue;
    matched.push(rule);
    if (!rule.continue) break;
  }
  const used: readonly RouteTargets[] = matched.length > 0 ? matched : [defaultRoute];
  return {
    matchedRouteIds: matched.map((r) => r.id),
    usedDefault: matched.length === 0,
    teamIds: [...new Set(used.flatMap((r) => r.teams))],
    channelIds: [...new Set(used.flatMap((r) => r.channels))],
    escalationChainId: used.find((r) => r.escalationChainId !== null)?.escalationChainId ?? null,
  };
}

export const diffRoute = (before: RouteFields, after: RouteFields): Changes => diffFields(before, after, ROUTE_FIELDS);
export const diffDefaultRoute = (before: RouteTargets, after: RouteTargets): Changes => diffFields(before, after, DEFAULT_ROUTE_FIELDS);

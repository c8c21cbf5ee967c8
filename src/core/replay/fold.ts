import { CHANNEL_FIELDS, type NotificationChannel } from '../channels/channel.ts';
import { CONTACT_FIELDS, type Contact } from '../contacts/contact.ts';
import { DATA_SOURCE_FIELDS, type DataSource } from '../datasources/datasource.ts';
import { invalid } from '../errors.ts';
import { NO_POLICY_OVERRIDES } from '../kpis/alert-policy.ts';
import { KPI_FIELDS, type Kpi } from '../kpis/kpi.ts';
import type { RecordedEvent } from '../ports.ts';
import type { Changes } from '../shared/changes.ts';
import { SILENCE_FIELDS, type Silence } from '../silences/silence.ts';
import { MAINTENANCE_WINDOW_FIELDS, type MaintenanceWindow } from '../maintenance/window.ts';
import { ESCALATION_CHAIN_FIELDS, type EscalationChain } from '../escalation/chain.ts';
import { DEFAULT_ROUTE_FIELDS, ROUTE_FIELDS, type DefaultRoute, type RouteRule } from '../routing/route.ts';
import { TEAM_FIELDS, type Team } from '../routing/team.ts';

/** How the events of one entity type rebuild its state: the key of the full state in *Created/*Deleted, and its fields. */
interface EntitySpec {
  readonly prefix: string;
  readonly stateKey: string;
  readonly fields: readonly string[];
  /**
   * Fields added after the first events were written: a *Created event without them gets these.
   * (A KPI's `deviationPercent: Infinity`, which JSON wrote as null before the core refused non-finite
   * numbers, needs nothing here: null is "no percentage rule" since the adaptive band, and migration
   * 0702 gives the live rows the same null.)
   */
  readonly defaults: Record<string, unknown>;
  /** Event suffixes besides Updated whose `changes` apply like an update (a silence's Ended, Expired). */
  readonly changing?: readonly string[];
  /** Ciphertext and the like that the events carry beside the state (never a secret in plain text), with their defaults. */
  readonly sealed?: Record<string, unknown>;
}

const SPECS = {
  kpi: { prefix: 'Kpi', stateKey: 'kpi', fields: KPI_FIELDS, defaults: { ...NO_POLICY_OVERRIDES, sensitivity: null, noDataPolicy: 'no_judgement', labels: {} } },
  contact: { prefix: 'Contact', stateKey: 'contact', fields: CONTACT_FIELDS, defaults: {} },
  datasource: { prefix: 'DataSource', stateKey: 'dataSource', fields: DATA_SOURCE_FIELDS, defaults: { allowPrivilegedUser: false }, sealed: { sealedPassword: null } },
  silence: { prefix: 'Silence', stateKey: 'silence', fields: SILENCE_FIELDS, defaults: {}, changing: ['Ended', 'Expired'] },
  channel: { prefix: 'Channel', stateKey: 'channel', fields: CHANNEL_FIELDS, defaults: {}, sealed: { sealedSecrets: null, secretNames: [] } },
  maintenancewindow: { prefix: 'MaintenanceWindow', stateKey: 'maintenanceWindow', fields: MAINTENANCE_WINDOW_FIELDS, defaults: {} },
  team: { prefix: 'Team', stateKey: 'team', fields: TEAM_FIELDS, defaults: {}, changing: ['Changed'] },
  route: { prefix: 'Route', stateKey: 'route', fields: ROUTE_FIELDS, defaults: {}, changing: ['Changed'] },
  defaultroute: { prefix: 'DefaultRoute', stateKey: 'defaultRoute', fields: DEFAULT_ROUTE_FIELDS, defaults: {}, changing: ['Changed'] },
  escalationchain: { prefix: 'EscalationChain', stateKey: 'escalationChain', fields: ESCALATION_CHAIN_FIELDS, defaults: {} },
} as const satisfies Record<string, EntitySpec>;

export type FoldableType = keyof typeof SPECS;
export interface EntityOf { kpi: Kpi; contact: Contact; datasource: DataSource; silence: Silence; channel: NotificationChannel; maintenancewindow: MaintenanceWindow;
  team: Team; route: RouteRule; escalationchain: EscalationChain; defaultroute: DefaultRoute & { id: string; createdAt: Date; updatedAt: Date } }

type State = Record<string, unknown> & { id: string; version: number; createdAt: Date; updatedAt: Date };

/** One step: the state after `event`. null = does not exist (not yet created, or deleted). */
function evolve(spec: EntitySpec, state: State | null, event: RecordedEvent): State | null {
  const data = event.data;
  const suffix = event.type.slice(spec.prefix.length);
  const stamp = { version: event.streamVersion, updatedAt: event.recordedAt };
  if (suffix === 'Created') {
    const full = data[spec.stateKey] as Record<string, unknown>;
    const extra = Object.fromEntries(Object.entries(spec.sealed ?? {}).map(([k, fallback]) => [k, data[k] ?? fallback]));
    return { ...spec.defaults, ...full, ...extra, id: String(data.id), createdAt: event.recordedAt, ...stamp };
  }
  if (state === null) return null;
  if (suffix === 'Deleted') return null;
  if (suffix === 'Activated' || suffix === 'Deactivated') return { ...state, active: suffix === 'Activated', ...stamp };
  if (suffix === 'Updated' || spec.changing?.includes(suffix)) {
    const next: State = { ...state, ...stamp };
    for (const [field, change] of Object.entries((data.changes ?? {}) as Changes)) {
      if (spec.fields.includes(field)) next[field] = change.to;
    }
    for (const [k, fallback] of Object.entries(spec.sealed ?? {})) if (k in data) next[k] = data[k] ?? fallback;
    return next;
  }
  // Any other event on the stream (a KPI's run outcomes: KpiBreachBegan ...) moves the version, as the
  // stream's version is the row's, but it is no edit: the row's updated_at stays (record.ts).
  return { ...state, version: event.streamVersion };
}

/** The state of one entity after the given events of its stream (in version order). */
export function foldEntity<T extends FoldableType>(type: T, events: readonly RecordedEvent[]): EntityOf[T] | null {
  let state: State | null = null;
  for (const e of events) state = evolve(SPECS[type], state, e);
  return state as EntityOf[T] | null;
}

export const isFoldable = (type: string): type is FoldableType => type in SPECS;

/** `?asOf=`: a stream version (a whole number) or an ISO 8601 time. */
export type AsOf = { readonly version: number } | { readonly at: Date };

export function parseAsOf(raw: string): AsOf {
  if (/^\d{1,9}$/.test(raw)) {
    const version = Number(raw);
    if (version >= 1) return { version };
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw invalid([{ path: 'querystring:/asOf', message: 'must be a version (1, 2, ...) or an ISO 8601 time' }]);
  return { at };
}

/** The events of a stream up to `asOf` (inclusive). */
export const eventsUpTo = (events: readonly RecordedEvent[], asOf: AsOf): RecordedEvent[] =>
  events.filter((e) => ('version' in asOf ? e.streamVersion <= asOf.version : e.recordedAt <= asOf.at));

import { describeRule } from '../alerts/render.ts';
import type { Sensitivity } from '../detection/sensitivity.ts';
import type { Direction, ThresholdCombine } from '../kpis/kpi.ts';
import type { Changes } from '../shared/changes.ts';
import { describeOutcome, describeSteps } from './describe-outcome.ts';

/** What the audit trail shows of one event: a sentence and the field-level diff. */
export interface EventDescription {
  readonly summary: string;
  readonly changes: Changes | null;
}

/** The words for an entity type in a sentence ("data source"), from the stream prefix ("datasource"). */
const NOUNS: Record<string, string> = {
  kpi: 'KPI', contact: 'contact', datasource: 'data source', alert: 'alert', silence: 'silence', user: 'user', apikey: 'API key', channel: 'channel', maintenancewindow: 'maintenance window',
  team: 'team', route: 'route', defaultroute: 'default route',
  escalationchain: 'escalation chain',
};
export const nounOf = (entityType: string): string => NOUNS[entityType] ?? entityType;

/** Fields holding secrets (or their ciphertext): the trail says that they changed, never the value. */
const SECRET_FIELDS = new Set(['sealedPassword', 'password', 'passwordHash', 'secret', 'token', 'keyHash', 'sealedSecrets']);

const show = (v: unknown): string => {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 60 ? `"${v.slice(0, 57)}..."` : `"${v}"`;
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(show).join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

const isChanges = (v: unknown): v is Changes =>
  typeof v === 'object' && v !== null && Object.values(v).every((c) => typeof c === 'object' && c !== null && 'from' in c && 'to' in c);

function redact(changes: Changes): Changes {
  const out: Changes = {};
  for (const [field, c] of Object.entries(changes)) {
    out[field] = SECRET_FIELDS.has(field) && field !== 'password' ? { from: '[secret]', to: '[secret]' } : c;
  }
  return out;
}

/**
 * A whole state as a diff from nothing (created) or to nothing (deleted). Unset fields are left out: a
 * `null → null` pair is no change, and a search by field would otherwise find every creation.
 */
function asChanges(state: Record<string, unknown>, direction: 'created' | 'deleted'): Changes {
  const out: Changes = {};
  for (const [field, value] of Object.entries(state)) {
    if (SECRET_FIELDS.has(field) || value === null || value === undefined) continue;
    out[field] = direction === 'created' ? { from: null, to: value } : { from: value, to: null };
  }
  return out;
}

/** Fields in alphabetical order: the store's jsonb does not keep the order the command wrote them in. */
const listChanges = (changes: Changes): string =>
  Object.entries(changes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, c]) => (field === 'password' ? `password ${String(c.to) === 'unset' ? 'removed' : String(c.to) === 'changed' ? 'changed' : 'set'}`
      : field === 'secrets' ? `secrets changed (set: ${show(c.to)})` : `${field} from ${show(c.from)} to ${show(c.to)}`))
    .join('; ');

/** "KpiActivated" -> "kpi activated"; for event types this module does not know. */
const words = (type: string): string => type.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

const STATE_KEYS: Record<string, string> = { kpi: 'kpi', contact: 'contact', datasource: 'dataSource', silence: 'silence', channel: 'channel', maintenancewindow: 'maintenanceWindow',
  team: 'team', route: 'route', defaultroute: 'defaultRoute', escalationchain: 'escalationChain' };

/**
 * A readable sentence for an event. `name` is the entity's display name when known (the event may carry
 * only its id). Types this module does not know still render, from their name and data, so that events
 * added later by other features appear in the trail at once.
 */
export function describeEvent(type: string, entityType: string, entityId: string, data: Record<string, unknown>, name: string | null): EventDescription {
  const noun = nounOf(entityType);
  const label = entityType === 'defaultroute' ? 'the default route' : name !== null ? `${noun} "${name}"` : `${noun} ${entityId}`;
  const outcome = describeOutcome(type, label, data);
  if (outcome !== null) return { summary: outcome, changes: null };
  const state = data[STATE_KEYS[entityType] ?? ''] as Record<string, unknown> | undefined;
  const verb = /(Created|Updated|Changed|Deleted|Activated|Deactivated)$/.exec(type)?.[1];
  // `Changed` is the routing entities' word for an update (TeamChanged); UserRoleChanged is not one.
  const known = type.toLowerCase().startsWith(entityType) && verb !== undefined && (verb !== 'Changed' || type.toLowerCase() === `${entityType}changed`);
  if (known && verb === 'Created' && state) {
    const changes = asChanges(state, 'created');
    if (entityType === 'datasource') changes.password = { from: 'unset', to: data.sealedPassword ? 'set' : 'unset' };
    if (entityType === 'channel') changes.secrets = { from: [], to: data.secretNames ?? [] };
    return { summary: `Created ${label}${createdDetail(entityType, state)}`, changes };
  }
  if (known && (verb === 'Updated' || verb === 'Changed') && isChanges(data.changes)) {
    const changes = redact(data.changes);
    return { summary: `Changed ${label}: ${listChanges(changes)}`, changes };
  }
  if (known && verb === 'Deleted') return { summary: `Deleted ${label}`, changes: state ? asChanges(state, 'deleted') : null };
  if (known && verb === 'Activated') return { summary: `Activated ${label}`, changes: { active: { from: false, to: true } } };
  if (known && verb === 'Deactivated') return { summary: `Deactivated ${label}`, changes: { active: { from: true, to: false } } };
  const changes = isChanges(data.changes) ? redact(data.changes) : null;
  const text = words(type);
  // A person's note (acknowledging or resolving an alert) is why it happened: the sentence keeps it, searchable.
  const note = typeof data.note === 'string' && data.note !== '' ? `, note ${show(data.note)}` : '';
  const sentence = `${text[0]!.toUpperCase()}${text.slice(1)} (${label})${note}`;
  return { summary: changes ? `${sentence}: ${listChanges(changes)}` : sentence, changes };
}

function createdDetail(entityType: string, s: Record<string, unknown>): string {
  if (entityType === 'kpi') {
    const schedule = s.cron ? `cron ${String(s.cron)} ${String(s.timezone)}` : `every ${String(s.frequencyMinutes)} minutes`;
    const rule = describeRule({
      sensitivity: (s.sensitivity ?? null) as Sensitivity | null, deviationPercent: (s.deviationPercent ?? null) as number | null,
      minThreshold: (s.minThreshold ?? null) as number | null, maxThreshold: (s.maxThreshold ?? null) as number | null,
      direction: (s.direction ?? 'both') as Direction, thresholdCombine: (s.thresholdCombine ?? 'any') as ThresholdCombine,
    });
    return ` owned by ${String(s.owner)}, ${schedule}, rule: ${rule || 'none'}`;
  }
  if (entityType === 'contact') return ` (${[s.email, s.phone].filter(Boolean).join(', ')})`;
  if (entityType === 'maintenancewindow') {
    return ` ${s.cron ? `on cron ${String(s.cron)}` : `on ${String(s.rrule)}`} for ${String(s.durationMinutes)} minutes (${String(s.timezone)})${scopeWords(s)}, comment ${show(s.comment)}`;
  }
  if (entityType === 'silence') return ` by ${String(s.createdBy)} from ${String(s.startsAt)} to ${String(s.endsAt)}${scopeWords(s)}, comment ${show(s.comment)}`;
  if (entityType === 'channel') return ` (${String(s.kind)})`;
  if (entityType === 'escalationchain') return `: ${describeSteps(s.steps)}`;
  if (entityType === 'team') return ` with members ${show(s.members)} and channels ${show(s.channels)}`;
  if (entityType === 'route') return ` at position ${String(s.position)}, matching ${show(s.match)}, to teams ${show(s.teams)} and channels ${show(s.channels)}${s.continue ? ', then further rules' : ''}`;
  if (entityType === 'defaultroute') return `: teams ${show(s.teams)}, channels ${show(s.channels)}`;
  if (entityType === 'datasource') return ` (${String(s.kind)}${s.host ? ` on ${String(s.host)}` : ''}${s.database ? `/${String(s.database)}` : ''})`;
  return '';
}

/** What a silence matches, in words: "for KPIs kpi_1, kpi_2, keys DE*". */
function scopeWords(s: Record<string, unknown>): string {
  const parts = [
    Array.isArray(s.kpiIds) ? `KPIs ${s.kpiIds.join(', ')}` : null, s.owner ? `owner ${String(s.owner)}` : null,
    s.keyPattern ? `keys ${String(s.keyPattern)}` : null, s.priority ? `priority ${String(s.priority)}` : null, s.severity ? `severity ${String(s.severity)}` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? ` for ${parts.join(', ')}` : '';
}

/** The display name an event gives its entity, if any (a create, or a rename). */
export function nameFromEvent(entityType: string, data: Record<string, unknown>): string | null {
  const field = entityType === 'kpi' ? 'indicator' : 'name';
  const state = data[STATE_KEYS[entityType] ?? ''] as Record<string, unknown> | undefined;
  if (state && typeof state[field] === 'string') return state[field];
  const changes = data.changes;
  if (isChanges(changes) && typeof changes[field]?.to === 'string') return changes[field].to as string;
  if (typeof data.name === 'string') return data.name;
  return typeof data.username === 'string' ? data.username : null;
}

import type { FieldError } from '../errors.ts';
import type { NotificationPurpose } from '../alerts/alert-events.ts';
import { diffFields, type Changes } from '../shared/changes.ts';
import { FieldErrors, isE164, isEmail } from '../shared/validation.ts';

export const CHANNEL_KINDS = ['email', 'sms', 'webhook', 'slack', 'msteams', 'pagerduty', 'opsgenie', 'telegram', 'discord'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** One setting of a kind: whether it must be given and whether it is a secret (sealed, never returned). */
interface SettingSpec {
  readonly required: boolean;
  readonly secret: boolean;
  readonly check?: (v: string) => string | null;
}

const httpUrl = (v: string): string | null => (/^https?:\/\/[^\s]+$/.test(v) ? null : 'must be an http:// or https:// URL');
const req = (secret: boolean, check?: SettingSpec['check']): SettingSpec => ({ required: true, secret, ...(check ? { check } : {}) });
const opt = (secret: boolean, check?: SettingSpec['check']): SettingSpec => ({ required: false, secret, ...(check ? { check } : {}) });

/**
 * The settings of each kind, named as the provider names them. `url` of webhook-like kinds is the
 * secret address itself; of the API kinds it replaces the provider's public endpoint (a proxy, a test).
 */
export const CHANNEL_SETTINGS: Record<ChannelKind, Record<string, SettingSpec>> = {
  email: { address: req(false, (v) => (isEmail(v) ? null : 'must be an email address')) },
  sms: { phone: req(false, (v) => (isE164(v) ? null : 'must be an E.164 number such as +4915112345678')) },
  webhook: { url: req(true, httpUrl), signingSecret: opt(true) },
  slack: { url: req(true, httpUrl) },
  msteams: { url: req(true, httpUrl) },
  discord: { url: req(true, httpUrl) },
  telegram: { botToken: req(true, (v) => (/^\d{1,20}:[A-Za-z0-9_-]{20,200}$/.test(v) ? null : 'must be a bot token from @BotFather, <digits>:<letters>')), chatId: req(false, (v) => (/^(-?\d{1,20}|@[A-Za-z0-9_]{5,64})$/.test(v) ? null : 'must be a numeric chat id or @channelname')), url: opt(false, httpUrl) },
  pagerduty: { routingKey: req(true), url: opt(false, httpUrl) },
  opsgenie: { apiKey: req(true), url: opt(false, httpUrl) },
};

export type Settings = Readonly<Record<string, string>>;

/** Everything about a channel but its secrets, which never leave the store unsealed. */
export interface ChannelFields {
  readonly name: string;
  readonly kind: ChannelKind;
  /** The settings that are not secret (chat id, endpoint override, address ...). */
  readonly settings: Settings;
  /** KPI ids or indicators it serves; null = not restricted by KPI. */
  readonly kpis: readonly string[] | null;
  /** KPI owners whose KPIs it serves; null = not restricted by owner. */
  readonly owners: readonly string[] | null;
  readonly active: boolean;
}

export interface NotificationChannel extends ChannelFields {
  readonly id: string;
  /** The secret settings as one sealed JSON object (SecretBox), or null when the kind has none set. */
  readonly sealedSecrets: string | null;
  /** Names of the secret settings that are set (shown by the API instead of their values). */
  readonly secretNames: readonly string[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Settings in a request: strings; null removes an optional one; a secret left out is kept. */
export type ChannelInput = Partial<Omit<ChannelFields, 'settings'>> & { settings?: Readonly<Record<string, string | null>> };

export const CHANNEL_FIELDS = ['name', 'kind', 'settings', 'kpis', 'owners', 'active'] as const satisfies readonly (keyof ChannelFields)[];

export const isSecretSetting = (kind: ChannelKind, name: string): boolean => CHANNEL_SETTINGS[kind][name]?.secret === true;

/** Splits merged settings into the public ones and the secret ones. */
export function splitSettings(kind: ChannelKind, all: Readonly<Record<string, string>>): { settings: Settings; secrets: Settings } {
  const settings: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) (isSecretSetting(kind, k) ? secrets : settings)[k] = v;
  return { settings, secrets };
}

/** The merged settings after a patch: given values replace, null removes, absent ones stay. */
export function mergeSettings(base: Readonly<Record<string, string>>, patch: Readonly<Record<string, string | null>> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v.trim();
  }
  return out;
}

const list = (v: readonly string[] | null | undefined): readonly string[] | null =>
  v === null || v === undefined ? null : [...new Set(v.map((s) => s.trim()).filter((s) => s !== ''))];

export function channelFromInput(input: ChannelInput, base?: ChannelFields): Omit<ChannelFields, 'settings'> {
  return {
    name: (input.name ?? base?.name ?? '').trim(),
    kind: base?.kind ?? input.kind ?? 'webhook',
    kpis: input.kpis !== undefined ? list(input.kpis) : (base?.kpis ?? null),
    owners: input.owners !== undefined ? list(input.owners) : (base?.owners ?? null),
    active: input.active ?? base?.active ?? true,
  };
}

/** Checks the fields and the merged settings (public and secret together) of a channel. */
export function validateChannel(c: Omit<ChannelFields, 'settings'>, all: Readonly<Record<string, string>>): FieldError[] {
  const errors = new FieldErrors();
  errors.check(c.name.length > 0, '/name', 'must not be empty');
  const spec = CHANNEL_SETTINGS[c.kind];
  const aKind = `${/^[aeiou]/.test(c.kind) ? 'an' : 'a'} ${c.kind} channel`;
  for (const [name, s] of Object.entries(spec)) {
    const v = all[name];
    if (v === undefined || v === '') {
      errors.check(!s.required, `/settings/${name}`, `${aKind} needs ${name}`);
      continue;
    }
    const problem = s.check?.(v) ?? null;
    if (problem !== null) errors.add(`/settings/${name}`, problem);
  }
  for (const name of Object.keys(all)) {
    errors.check(name in spec, `/settings/${name}`, `is not a setting of ${aKind} (it has ${Object.keys(spec).join(', ')})`);
  }
  return errors.list;
}

export const diffChannel = (before: ChannelFields, after: ChannelFields): Changes => diffFields(before, after, CHANNEL_FIELDS);

/** Does the channel hear about this KPI's alerts? Unrestricted = all; else a listed KPI or owner. */
export function servesKpi(c: Pick<ChannelFields, 'kpis' | 'owners' | 'active'>, kpi: { id: string; indicator: string; owner: string }): boolean {
  if (!c.active) return false;
  if (c.kpis === null && c.owners === null) return true;
  return (c.kpis?.includes(kpi.id) ?? false) || (c.kpis?.includes(kpi.indicator) ?? false) || (c.owners?.includes(kpi.owner) ?? false);
}

/** Incident tools keep their own reminders; they hear when an alert opens, is acknowledged and resolves. */
export const INCIDENT_KINDS: readonly ChannelKind[] = ['pagerduty', 'opsgenie'];

/** Which notifications a kind receives. Escalations go to the owner's contacts only, never to channels. */
export function receives(kind: ChannelKind, purpose: NotificationPurpose): boolean {
  if (purpose === 'escalation') return false;
  if (INCIDENT_KINDS.includes(kind)) return purpose !== 'reminder';
  return purpose !== 'acknowledged';
}

/** What the API shows: the public settings and the names of the secrets that are set, never their values. */
export function publicChannel(c: NotificationChannel & { readOnly?: boolean }) {
  const { sealedSecrets: _s, secretNames, ...rest } = c;
  return { ...rest, secrets: Object.fromEntries(Object.entries(CHANNEL_SETTINGS[c.kind]).filter(([, s]) => s.secret).map(([n]) => [n, secretNames.includes(n)])), readOnly: c.readOnly ?? false };
}

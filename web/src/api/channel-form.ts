import type { ChannelConfig, ChannelKind } from './admin-types.ts';

/** One setting of a kind as the form shows it; the API checks it again (and names the field on error). */
export interface SettingField {
  readonly name: string;
  readonly label: string;
  readonly secret: boolean;
  readonly required: boolean;
  readonly hint?: string;
}

const url = (label: string, hint: string): SettingField => ({ name: 'url', label, secret: true, required: true, hint });
const endpoint = (publicUrl: string): SettingField => ({ name: 'url', label: 'Endpoint (optional)', secret: false, required: false, hint: `Replaces ${publicUrl}: a proxy, or a test receiver` });

export const KIND_LABELS: Record<ChannelKind, string> = {
  email: 'Email', sms: 'SMS (email gateway)', webhook: 'Webhook (signed JSON)', slack: 'Slack', msteams: 'Microsoft Teams',
  pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', telegram: 'Telegram', discord: 'Discord',
};

export const KIND_FIELDS: Record<ChannelKind, readonly SettingField[]> = {
  email: [{ name: 'address', label: 'Email address', secret: false, required: true }],
  sms: [{ name: 'phone', label: 'Phone number', secret: false, required: true, hint: 'E.164, e.g. +4915112345678; needs SMS_GATEWAY_DOMAIN' }],
  webhook: [url('URL', 'Receives the alert as JSON'), { name: 'signingSecret', label: 'Signing secret (optional)', secret: true, required: false, hint: 'HMAC-SHA256 signature header; WEBHOOK_SECRET when empty' }],
  slack: [url('Incoming webhook URL', 'https://hooks.slack.com/services/…')],
  msteams: [url('Workflows webhook URL', 'Teams: Workflows → "Send webhook alerts to a channel"')],
  discord: [url('Webhook URL', 'https://discord.com/api/webhooks/…')],
  telegram: [
    { name: 'botToken', label: 'Bot token', secret: true, required: true, hint: 'From @BotFather' },
    { name: 'chatId', label: 'Chat id', secret: false, required: true, hint: 'A numeric id (groups start with -) or @channelname' },
    endpoint('https://api.telegram.org'),
  ],
  pagerduty: [{ name: 'routingKey', label: 'Integration key', secret: true, required: true, hint: 'Events API v2 integration of the service' }, endpoint('https://events.pagerduty.com/v2/enqueue')],
  opsgenie: [{ name: 'apiKey', label: 'API key', secret: true, required: true, hint: 'Of an API integration' }, endpoint('https://api.opsgenie.com (EU: https://api.eu.opsgenie.com)')],
};

export interface ChannelForm {
  name: string;
  kind: ChannelKind;
  settings: Record<string, string>;
  kpis: string;
  owners: string;
  active: boolean;
}

export const blankChannel = (kind: ChannelKind = 'pagerduty'): ChannelForm => ({ name: '', kind, settings: {}, kpis: '', owners: '', active: true });

export const channelFormOf = (c: ChannelConfig): ChannelForm => ({
  name: c.name, kind: c.kind, settings: { ...c.settings }, kpis: (c.kpis ?? []).join(', '), owners: (c.owners ?? []).join(', '), active: c.active,
});

const names = (text: string): string[] | null => {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length === 0 ? null : list;
};

/**
 * The request body. A secret left empty is left out (kept when editing); an optional public setting
 * emptied is sent as null (removed).
 */
export function channelBodyOf(f: ChannelForm, editing: ChannelConfig | null) {
  const settings: Record<string, string | null> = {};
  for (const field of KIND_FIELDS[f.kind]) {
    const v = (f.settings[field.name] ?? '').trim();
    if (v !== '') settings[field.name] = v;
    else if (!field.secret && editing && field.name in editing.settings) settings[field.name] = null;
  }
  const body = { name: f.name.trim(), settings, kpis: names(f.kpis), owners: names(f.owners), active: f.active };
  return editing ? body : { ...body, kind: f.kind };
}

/** What a channel serves, in words. */
export function servesText(c: Pick<ChannelConfig, 'kpis' | 'owners'>): string {
  if (c.kpis === null && c.owners === null) return 'All KPIs';
  return [c.kpis && `KPIs: ${c.kpis.join(', ')}`, c.owners && `owners: ${c.owners.join(', ')}`].filter(Boolean).join('; ');
}

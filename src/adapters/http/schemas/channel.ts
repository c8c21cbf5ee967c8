import { Type } from 'typebox';
import { CHANNEL_KINDS } from '../../../core/channels/channel.ts';
import { DateTime, literals, Nullable } from './common.ts';

const Kind = literals(CHANNEL_KINDS);
const SettingValue = Type.String({ maxLength: 2048 });
const Names = Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 }));

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kpis: Type.Optional(Type.Unsafe<string[] | null>({ ...Names, description: 'KPI ids or indicators it serves; null (default) = not restricted by KPI' })),
  owners: Type.Optional(Type.Unsafe<string[] | null>({ ...Names, description: 'KPI owners whose KPIs it serves; null (default) = not restricted by owner' })),
  active: Type.Optional(Type.Boolean()),
};

const settingsDescription = 'The provider\'s fields by name, e.g. pagerduty {routingKey, url?}, opsgenie {apiKey, url?}, telegram {botToken, chatId, url?}, '
  + 'msteams/slack/discord {url}, webhook {url, signingSecret?}, email {address}, sms {phone}. Secrets (keys, tokens, webhook URLs) are write-only: '
  + 'stored encrypted and never returned.';

export const ChannelCreateBody = Type.Object({
  ...fields, kind: Kind,
  settings: Type.Record(Type.String({ maxLength: 64 }), SettingValue, { maxProperties: 20, description: settingsDescription }),
}, { additionalProperties: false });

export const ChannelPatchBody = Type.Object({
  name: Type.Optional(fields.name), kpis: fields.kpis, owners: fields.owners, active: fields.active,
  kind: Type.Optional(Kind),
  settings: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Nullable(SettingValue), {
    maxProperties: 20, description: 'Merged into the stored settings: a value replaces, null removes an optional one, a secret left out is kept',
  })),
}, { additionalProperties: false });

export const ChannelView = Type.Object({
  id: Type.String(), name: Type.String(), kind: Kind,
  settings: Type.Record(Type.String(), Type.String(), { description: 'The settings that are not secret' }),
  secrets: Type.Record(Type.String(), Type.Boolean(), { description: 'Each secret setting of the kind and whether it is set (never its value)' }),
  kpis: Type.Unsafe<readonly string[] | null>(Names), owners: Type.Unsafe<readonly string[] | null>(Names), active: Type.Boolean(),
  readOnly: Type.Boolean({ description: 'Configured by environment variables (WEBHOOK_URL, SLACK_WEBHOOK_URL, ALERT_WEBHOOKS): change it there' }),
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});

export const ChannelTestView = Type.Object({
  ok: Type.Boolean(),
  error: Nullable(Type.String({ description: 'What the provider answered, without secrets' })),
  retryAfterMs: Nullable(Type.Integer({ description: 'When the provider asked to wait (429, Retry-After)' })),
  permanent: Type.Boolean({ description: 'true = retrying cannot help (a wrong key, a removed webhook)' }),
});

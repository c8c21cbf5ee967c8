import { jsonPost, type Answer, type Received } from './provider-receiver.ts';

type Body = Record<string, any>;
const body = (r: Received): Body => (r.json ?? {}) as Body;
const need = (ok: boolean, problem: string): string[] => (ok ? [] : [problem]);

/**
 * The providers' documented contracts as receivers check them, and their success answers.
 * PagerDuty Events API v2: POST /v2/enqueue; routing_key (32 characters for a real key), event_action
 * trigger|acknowledge|resolve, dedup_key (<= 255); a trigger needs payload.summary (<= 1024),
 * payload.source and payload.severity critical|error|warning|info. Answer 202 {status, message, dedup_key}.
 */
export const pagerdutyContract = (routingKey: string) => ({
  check(r: Received): string[] {
    const b = body(r);
    const out = [...jsonPost(r), ...need(r.path === '/v2/enqueue', `path ${r.path}`), ...need(b.routing_key === routingKey, 'routing_key is not the integration key')];
    out.push(...need(['trigger', 'acknowledge', 'resolve'].includes(b.event_action), `event_action ${String(b.event_action)}`));
    out.push(...need(typeof b.dedup_key === 'string' && b.dedup_key.length > 0 && b.dedup_key.length <= 255, 'dedup_key missing or too long'));
    if (b.event_action === 'trigger') {
      const p = b.payload ?? {};
      out.push(...need(typeof p.summary === 'string' && p.summary.length > 0 && p.summary.length <= 1024, 'payload.summary missing or too long'));
      out.push(...need(typeof p.source === 'string' && p.source.length > 0, 'payload.source missing'));
      out.push(...need(['critical', 'error', 'warning', 'info'].includes(p.severity), `payload.severity ${String(p.severity)}`));
      if (p.timestamp !== undefined) out.push(...need(!Number.isNaN(Date.parse(p.timestamp)), 'payload.timestamp is not ISO 8601'));
    }
    return out;
  },
  success: (r: Received): Answer => ({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: body(r).dedup_key } }),
});

/**
 * Opsgenie Alert API: `Authorization: GenieKey <key>`; POST /v2/alerts with message (<= 130) and alias
 * (<= 512), priority P1..P5; POST /v2/alerts/<alias>/acknowledge|close?identifierType=alias. Answer 202.
 */
export const opsgenieContract = (apiKey: string) => ({
  check(r: Received): string[] {
    const b = body(r);
    const out = [...jsonPost(r), ...need(r.headers.authorization === `GenieKey ${apiKey}`, `authorization ${String(r.headers.authorization)}`)];
    if (r.path === '/v2/alerts') {
      out.push(...need(typeof b.message === 'string' && b.message.length > 0 && b.message.length <= 130, 'message missing or over 130 characters'));
      out.push(...need(typeof b.alias === 'string' && b.alias.length > 0 && b.alias.length <= 512, 'alias missing'));
      if (b.priority !== undefined) out.push(...need(/^P[1-5]$/.test(b.priority), `priority ${String(b.priority)}`));
      if (b.description !== undefined) out.push(...need(String(b.description).length <= 15_000, 'description over 15000 characters'));
    } else {
      out.push(...need(/^\/v2\/alerts\/[^/]+\/(acknowledge|close)\?identifierType=alias$/.test(r.path), `path ${r.path}`));
    }
    return out;
  },
  success: (): Answer => ({ status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' } }),
});

/** A Teams Workflows webhook: a message with one Adaptive Card attachment. Answer 202. */
export const teamsContract = () => ({
  check(r: Received): string[] {
    const b = body(r);
    const a = Array.isArray(b.attachments) ? b.attachments : [];
    const card = a[0]?.content ?? {};
    return [
      ...jsonPost(r), ...need(b.type === 'message', 'type is not "message"'), ...need(a.length === 1, 'not exactly one attachment'),
      ...need(a[0]?.contentType === 'application/vnd.microsoft.card.adaptive', `contentType ${String(a[0]?.contentType)}`),
      ...need(card.type === 'AdaptiveCard', 'content.type is not AdaptiveCard'),
      ...need(card.$schema === 'http://adaptivecards.io/schemas/adaptive-card.json', `$schema ${String(card.$schema)}`),
      ...need(/^1\.[0-6]$/.test(String(card.version)), `version ${String(card.version)}`),
      ...need(Array.isArray(card.body) && card.body.length > 0 && card.body.every((e: Body) => typeof e.type === 'string'), 'card.body is not a list of elements'),
    ];
  },
  success: (): Answer => ({ status: 202, body: '' }),
});

/** Telegram Bot API: POST /bot<token>/sendMessage with chat_id and text (1..4096). Answer {ok: true, result}. */
export const telegramContract = (token: string, chatId: string) => ({
  check(r: Received): string[] {
    const b = body(r);
    return [
      ...jsonPost(r), ...need(r.path === `/bot${token}/sendMessage`, 'path is not /bot<token>/sendMessage'),
      ...need(String(b.chat_id) === chatId, `chat_id ${String(b.chat_id)}`),
      ...need(typeof b.text === 'string' && b.text.length > 0 && b.text.length <= 4096, 'text missing or over 4096 characters'),
    ];
  },
  success: (r: Received): Answer => ({ status: 200, body: { ok: true, result: { message_id: 1, chat: { id: Number(body(r).chat_id) }, date: 0, text: body(r).text } } }),
});

/** Discord execute-webhook: content (1..2000) or embeds; answer 204 without ?wait=true. */
export const discordContract = () => ({
  check(r: Received): string[] {
    const b = body(r);
    return [
      ...jsonPost(r), ...need(typeof b.content === 'string' && b.content.length > 0 && b.content.length <= 2000, 'content missing or over 2000 characters'),
      ...need(Array.isArray(b.allowed_mentions?.parse) && b.allowed_mentions.parse.length === 0, 'allowed_mentions.parse is not []: @everyone in a KPI name would ping'),
    ];
  },
  success: (): Answer => ({ status: 204 }),
});

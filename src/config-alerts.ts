import type { ConfigReader } from './config.ts';
import type { AlertConfig, WebhookConfig } from './config-types.ts';

/** The alerting part of the configuration: the options are declared in config.ts's table; this shapes them. */

function webhooksConfig(r: ConfigReader): WebhookConfig[] {
  const hooks: WebhookConfig[] = [];
  const webhookUrl = r.optional('WEBHOOK_URL');
  if (webhookUrl !== null) hooks.push({ name: 'webhook', kind: 'webhook', url: webhookUrl, kpis: null });
  const slackUrl = r.optional('SLACK_WEBHOOK_URL');
  if (slackUrl !== null) hooks.push({ name: 'slack', kind: 'slack', url: slackUrl, kpis: null });
  const raw = r.optional('ALERT_WEBHOOKS');
  if (raw !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const valid = Array.isArray(parsed) && parsed.every((w: Record<string, unknown>) =>
      typeof w === 'object' && w !== null && typeof w.name === 'string' && typeof w.url === 'string' &&
      (w.kind === undefined || w.kind === 'webhook' || w.kind === 'slack') &&
      (w.kpis === undefined || w.kpis === null || (Array.isArray(w.kpis) && w.kpis.every((k) => typeof k === 'string'))));
    r.check(valid, 'ALERT_WEBHOOKS must be a JSON array of {"name", "url", "kind": "webhook"|"slack", "kpis": [KPI ids or indicators] (optional)}');
    if (valid) {
      for (const w of parsed as { name: string; url: string; kind?: 'webhook' | 'slack'; kpis?: string[] | null }[]) {
        hooks.push({ name: w.name, kind: w.kind ?? 'webhook', url: w.url, kpis: w.kpis ?? null });
      }
    }
  }
  for (const h of hooks) r.check(/^https?:\/\//.test(h.url), `the URL of webhook ${h.name} must start with http:// or https://`);
  for (const h of hooks) r.check(!/^(chn|env)_/.test(h.name), `webhook name ${h.name} must not start with chn_ or env_ (the ids of channels)`);
  r.check(new Set(hooks.map((h) => h.name)).size === hooks.length, 'webhook names must be unique (WEBHOOK_URL is "webhook", SLACK_WEBHOOK_URL is "slack")');
  return hooks;
}

export function alertConfig(r: ConfigReader): AlertConfig {
  const smtpUrl = r.optional('SMTP_URL');
  const publicUrl = r.optional('PUBLIC_URL');
  return {
    smtpUrl,
    mailFrom: r.string('MAIL_FROM'),
    smsGatewayDomain: r.optional('SMS_GATEWAY_DOMAIN'),
    webhooks: webhooksConfig(r),
    webhookSecret: r.optional('WEBHOOK_SECRET'),
    webhookTimeoutMs: r.int('WEBHOOK_TIMEOUT_MS'),
    retryCount: r.int('ALERT_RETRY_COUNT'),
    retryBaseSeconds: r.int('ALERT_RETRY_BASE_SECONDS'),
    pendingExecutions: r.optionalInt('ALERT_PENDING_EXECUTIONS'),
    resolveAfterExecutions: r.optionalInt('ALERT_RESOLVE_AFTER_EXECUTIONS'),
    failingAfterFailures: r.int('ALERT_FAILING_AFTER_FAILURES'),
    reminderMinutes: r.int('ALERT_REMINDER_MINUTES'),
    escalateAfterMinutes: r.int('ALERT_ESCALATE_AFTER_MINUTES'),
    workerIntervalMs: r.int('ALERT_WORKER_INTERVAL_MS'),
    maxAlertsPerRun: r.int('ALERT_MAX_PER_RUN'),
    publicUrl,
  };
}

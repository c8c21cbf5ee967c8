import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { alertSettingsOf } from '../../src/adapters/delivery/alerting.ts';

describe('alert configuration', () => {
  it('defaults: no SMTP (the log channel), 3 retries from 2 minutes, escalation after 30 minutes, no reminders', () => {
    const c = loadConfig({}).alerts;
    expect(c).toMatchObject({ smtpUrl: null, retryCount: 3, retryBaseSeconds: 120, escalateAfterMinutes: 30, reminderMinutes: 0, webhooks: [] });
    expect(alertSettingsOf(c, 'http://h:1').routing.mailEnabled).toBe(false);
  });

  it('reads SMTP, the SMS gateway and webhooks, global and per KPI; the core never sees their URLs', () => {
    const c = loadConfig({
      SMTP_URL: 'smtp://mail:25', SMS_GATEWAY_DOMAIN: 'sms.example.net', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      ALERT_WEBHOOKS: '[{"name":"pager","url":"https://pager.example/hook","kpis":["kpi_1","Deposits"]}]', ALERT_RETRY_COUNT: '5',
    }).alerts;
    expect(c.webhooks.map((w) => [w.name, w.kind, w.kpis])).toEqual([['slack', 'slack', null], ['pager', 'webhook', ['kpi_1', 'Deposits']]]);
    const s = alertSettingsOf(c, 'http://h:1');
    expect(s.routing).toEqual({ mailEnabled: true, smsGatewayDomain: 'sms.example.net', webhooks: [{ name: 'slack', kind: 'slack', kpis: null }, { name: 'pager', kind: 'webhook', kpis: ['kpi_1', 'Deposits'] }] });
    expect(JSON.stringify(s)).not.toContain('hooks.slack.com');
  });

  it('reports every bad alert setting at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ SMTP_URL: 'mail:25', ALERT_WEBHOOKS: '{"name":1}', ALERT_RETRY_COUNT: '-1', WEBHOOK_URL: 'ftp://x' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toHaveLength(4);
    for (const name of ['SMTP_URL', 'ALERT_RETRY_COUNT', 'ALERT_WEBHOOKS', 'webhook webhook']) {
      expect(error?.problems).toContainEqual(expect.stringContaining(name));
    }
  });

  it('refuses a configured webhook named like a channel id (chn_…, env_…): the outbox could not tell them apart', () => {
    expect(() => loadConfig({ ALERT_WEBHOOKS: '[{"name":"chn_ops","url":"https://h.example/x"}]' })).toThrow(/must not start with chn_ or env_/);
  });
});

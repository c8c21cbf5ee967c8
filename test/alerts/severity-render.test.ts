import { describe, expect, it } from 'vitest';
import { kpiFromInput, type Kpi } from '../../src/core/kpis/kpi.ts';
import { renderKpiMessage, renderTemplate, placeholderValues } from '../../src/core/alerts/render.ts';
import { recipientsFor, smsAddress } from '../../src/core/alerts/routing.ts';
import { breachSeverity, failingSeverity } from '../../src/core/alerts/severity.ts';
import { retryDelayMs } from '../../src/core/alerts/delivery.ts';
import { alertLink } from '../../src/core/alerts/notify.ts';
import { TEMPLATE_PLACEHOLDERS } from '../../src/core/kpis/templates.ts';
import type { Contact } from '../../src/core/contacts/contact.ts';

const now = new Date('2026-03-02T09:00:00Z');
const kpi = (o: Partial<Kpi> = {}): Kpi => ({
  ...kpiFromInput({ indicator: 'Deposits', owner: 'payments', dataSourceId: 'dsn_1', query: 'SELECT 1', sensitivity: null, deviationPercent: 20, minThreshold: 5, direction: 'drop' }, now),
  id: 'kpi_1', version: 1, createdAt: now, updatedAt: now, ...o,
});
const contact = (o: Partial<Contact>): Contact => ({ id: 'con_1', name: 'Ann', email: 'ann@example.com', phone: '+49 151 1234567', active: true, version: 1, createdAt: now, updatedAt: now, ...o });

describe('severity scale', () => {
  it.each([
    [5, 2, 'low'], [-12, 2, 'medium'], [30, 2, 'high'], [-75, 2, 'critical'],
    [5, 1, 'medium'], [-12, 1, 'high'], [30, 1, 'critical'], [-75, 1, 'critical'], [null, 2, 'medium'], [null, 1, 'high'],
  ] as const)('deviation %s %% at priority %s is %s', (deviation, priority, expected) => {
    expect(breachSeverity(deviation, priority)).toBe(expected);
  });
  it('a failing KPI is high at priority 1, medium at 2', () => {
    expect([failingSeverity(1), failingSeverity(2)]).toEqual(['high', 'medium']);
  });
});

describe('templates', () => {
  it('every documented placeholder has a value', () => {
    const values = placeholderValues(kpi(), { key: 'DE', value: 60, baseline: 100, deviationPercent: -40, band: null, severity: 'critical', at: now, link: 'http://x/a' });
    for (const p of TEMPLATE_PLACEHOLDERS) expect(renderTemplate(`{${p}}`, values)).not.toBe(`{${p}}`);
  });

  it('the default templates state the value, the baseline, the deviation, the rule in words and what it accepted', () => {
    const m = renderKpiMessage(kpi(), { key: 'DE', value: 60, baseline: 100.456, deviationPercent: -40.27, band: { low: 80.365, high: null }, severity: 'critical', at: now, link: 'http://x/a' });
    expect(m.subject).toBe('[critical] Deposits DE: 60 vs baseline 100.46 (-40.3%)');
    expect(m.body).toContain('a deviation of -40.3%. The rule (±20% of the baseline, drops only; at least 5) accepted at least 80.36.');
    expect(m.body).toContain('every 60 minutes');
    const band = renderKpiMessage(kpi({ sensitivity: 'high', deviationPercent: null, minThreshold: null, direction: 'both' }), { key: 'DE', value: 60, baseline: 100, deviationPercent: -40, band: { low: 70, high: 130 }, severity: 'critical', at: now, link: '' });
    expect(band.body).toContain('The rule (adaptive band, high sensitivity) accepted between 70 and 130.');
  });

  it('{threshold} is "none" without a percentage rule; {band} is "n/a" when nothing was judged', () => {
    const values = placeholderValues(kpi({ deviationPercent: null }), { key: 'DE', value: 60, baseline: null, deviationPercent: null, band: null, severity: 'medium', at: now, link: '' });
    expect([values.threshold, values.band]).toEqual(['none', 'n/a']);
  });

  it('{historical} is {baseline}; text in braces that is no placeholder stays', () => {
    const values = placeholderValues(kpi(), { key: '', value: null, baseline: 7, deviationPercent: null, band: null, severity: 'low', at: now, link: '' });
    expect(renderTemplate('{historical}/{baseline} {current} {json}', values)).toBe('7/7 n/a {json}');
  });

  it('given a single-value KPI (no key), when the default templates render, then the key and its separators are gone', () => {
    const m = renderKpiMessage(kpi({ indicator: 'Deposits in 5 minutes' }), { key: '', value: 28, baseline: 140, deviationPercent: -80, band: null, severity: 'critical', at: now, link: 'http://x/a' });
    expect(m.subject).toBe('[critical] Deposits in 5 minutes: 28 vs baseline 140 (-80.0%)');
    expect(m.body).toMatch(/^Deposits in 5 minutes is 28; the baseline/);
    expect(`${m.subject} ${m.body}`).not.toMatch(/ -:|\(\)|  /);
  });

  it("given an operator's own template with {key}, when the key is empty, then {key} is an empty string and the rest is as written", () => {
    const own = kpi({ subjectTemplate: '{indicator} [{key}] {current}', descriptionTemplate: 'key={key}.' });
    const m = renderKpiMessage(own, { key: '', value: 28, baseline: null, deviationPercent: null, band: null, severity: 'medium', at: now, link: '' });
    expect(m).toEqual({ subject: 'Deposits [] 28', body: 'key=.' });
    expect(renderKpiMessage(own, { key: 'DE', value: 28, baseline: null, deviationPercent: null, band: null, severity: 'medium', at: now, link: '' }).subject).toBe('Deposits [DE] 28');
  });
});

describe('routing', () => {
  const routing = { mailEnabled: true, smsGatewayDomain: 'sms.example.net', webhooks: [
    { name: 'all', kind: 'webhook' as const, kpis: null }, { name: 'other', kind: 'slack' as const, kpis: ['kpi_2'] }, { name: 'mine', kind: 'slack' as const, kpis: ['Deposits'] },
  ] };

  it('priority 1 mails and texts each contact; priority 2 only mails; webhooks by KPI or global', () => {
    const contacts = [contact({}), contact({ id: 'con_2', email: null }), contact({ id: 'con_3', active: false })];
    expect(recipientsFor(kpi({ priority: 1 }), contacts, routing, 'opened').map((r) => `${r.channel}:${r.address}`)).toEqual([
      'email:ann@example.com', 'sms:491511234567@sms.example.net', 'sms:491511234567@sms.example.net', 'webhook:all', 'slack:mine',
    ]);
    expect(recipientsFor(kpi({ priority: 2 }), contacts, routing, 'opened').map((r) => `${r.channel}:${r.address}`)).toEqual(['email:ann@example.com', 'webhook:all', 'slack:mine']);
  });

  it('without SMTP, mail and SMS go to the log channel', () => {
    const r = recipientsFor(kpi({ priority: 1 }), [contact({})], { ...routing, mailEnabled: false, webhooks: [] }, 'opened');
    expect(r.map((x) => `${x.kind}>${x.channel}`)).toEqual(['email>log', 'sms>log']);
  });

  it('SMS addresses are the digits of the number at the gateway', () => {
    expect(smsAddress('+1 (555) 010-9999', 'gw.example')).toBe('15550109999@gw.example');
  });
});

describe('retry backoff', () => {
  it('doubles per retry, with jitter between 0.75 and 1.25', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, 1000, 0.5))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(2, 1000, 0)).toBe(1500);
    expect(retryDelayMs(2, 1000, 0.999)).toBeLessThan(2500);
  });
});

describe('the link in a message', () => {
  it('opens the alert on the dashboard, whatever slash the configured base ends with', () => {
    const settings = (linkBaseUrl: string) => ({ linkBaseUrl }) as Parameters<typeof alertLink>[0];
    expect(alertLink(settings('https://grid.example.com/'), 'alr_1')).toBe('https://grid.example.com/#/alerts/alr_1');
    expect(alertLink(settings('http://127.0.0.1:8080'), 'alr_1')).toBe('http://127.0.0.1:8080/#/alerts/alr_1');
  });
});

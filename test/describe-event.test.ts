import { describe, expect, it } from 'vitest';
import { actorKindOf, entityOfStream } from '../src/core/audit/audit-entry.ts';
import { describeEvent, nameFromEvent } from '../src/core/audit/describe-event.ts';

describe('readable sentences for events', () => {
  it('given a contact created, then it names the contact and how to reach them', () => {
    const d = describeEvent('ContactCreated', 'contact', 'con_1', { id: 'con_1', contact: { name: 'Ann', email: 'ann@example.com', phone: null, active: true } }, 'Ann');
    expect(d.summary).toBe('Created contact "Ann" (ann@example.com)');
    // phone is unset: a creation lists what it set, so a search by field finds only creations that set it.
    expect(d.changes).toEqual({ name: { from: null, to: 'Ann' }, email: { from: null, to: 'ann@example.com' }, active: { from: null, to: true } });
  });

  it('given a data source created with a password, then the diff says "set" and holds no ciphertext', () => {
    const d = describeEvent('DataSourceCreated', 'datasource', 'dsn_1', { id: 'dsn_1', dataSource: { name: 'eu', kind: 'mysql', host: 'db', database: 'shop' }, sealedPassword: 'v1.a.b.c' }, 'eu');
    expect(d.summary).toBe('Created data source "eu" (mysql on db/shop)');
    expect(d.changes!.password).toEqual({ from: 'unset', to: 'set' });
    expect(JSON.stringify(d)).not.toContain('v1.a.b.c');
  });

  it('given a deleted KPI whose name is unknown, then it falls back to the id', () => {
    expect(describeEvent('KpiDeleted', 'kpi', 'kpi_9', { id: 'kpi_9' }, null).summary).toBe('Deleted KPI kpi_9');
  });

  it('given an event type from a feature this module does not know, then it still reads well, diff included', () => {
    expect(describeEvent('ReportScheduled', 'report', 'rep_1', { id: 'rep_1' }, null).summary).toBe('Report scheduled (report rep_1)');
    const d = describeEvent('UserRoleChanged', 'user', 'usr_1', { changes: { role: { from: 'viewer', to: 'admin' }, passwordHash: { from: 'x', to: 'y' } } }, 'ann');
    expect(d.summary).toBe('User role changed (user "ann"): passwordHash from "[secret]" to "[secret]"; role from "viewer" to "admin"');
  });

  it('given an event this module does not know with a note, then the sentence keeps the note', () => {
    expect(describeEvent('AlertCommented', 'alert', 'alr_1', { id: 'alr_1', by: 'usr_1', note: 'on it' }, null).summary)
      .toBe('Alert commented (alert alr_1), note "on it"');
    expect(describeEvent('AlertCommented', 'alert', 'alr_1', { id: 'alr_1', note: null }, null).summary).toBe('Alert commented (alert alr_1)');
  });

  it('follows renames: the name comes from the created state or a changed indicator/name', () => {
    expect(nameFromEvent('kpi', { kpi: { indicator: 'Deposits' } })).toBe('Deposits');
    expect(nameFromEvent('kpi', { changes: { indicator: { from: 'Deposits', to: 'Deposits EU' } } })).toBe('Deposits EU');
    expect(nameFromEvent('contact', { changes: { email: { from: 'a', to: 'b' } } })).toBeNull();
  });
});

describe('sentences for breaches, failures and the alert lifecycle', () => {
  it('given a breach, then the value, the baseline, the deviation and the rule that broke', () => {
    const data = { key: 'DE', value: 28, baseline: 60.5, deviationPercent: -53.719, reasons: [{ rule: 'deviation', direction: 'drop', limit: 50, value: -53.7 }, { rule: 'min_threshold', limit: 30, value: 28 }] };
    expect(describeEvent('KpiBreachBegan', 'kpi', 'kpi_1', data, 'Deposits').summary)
      .toBe('KPI "Deposits" breached for "DE": 28 against a baseline of 60.5 (-53.7%): drop beyond the accepted 50% and below the minimum 30');
    const band = { key: null, value: 40, baseline: 100, deviationPercent: -60, band: { low: 65, high: 135 }, reasons: [{ rule: 'band', direction: 'drop', limit: 65, value: 40 }] };
    expect(describeEvent('KpiBreachBegan', 'kpi', 'kpi_1', band, 'Deposits').summary)
      .toBe('KPI "Deposits" breached: 40 against a baseline of 100 (-60%): drop out of the adaptive band (under 65)');
    expect(describeEvent('KpiBackToNormal', 'kpi', 'kpi_1', { key: '', value: 61, baseline: 60.5 }, 'Deposits').summary).toBe('KPI "Deposits" back to normal: 61 against a baseline of 60.5');
  });

  it('given a failed run, then its status and error', () => {
    expect(describeEvent('KpiExecutionFailed', 'kpi', 'kpi_1', { status: 'timeout', error: 'query cancelled after 30 s' }, 'Deposits').summary)
      .toBe('KPI "Deposits" failed to run (timeout): query cancelled after 30 s');
  });

  it('given the alert lifecycle, then who acted, with their note, and where each notification went', () => {
    expect(describeEvent('AlertOpened', 'alert', 'alr_1', { kind: 'breach', severity: 'critical', indicator: 'Deposits', key: '', subject: 'Deposits: 28 vs 60.5' }, null).summary)
      .toBe('Opened critical alert alr_1 on KPI "Deposits": Deposits: 28 vs 60.5');
    expect(describeEvent('AlertAcknowledged', 'alert', 'alr_1', { by: 'usr_ann', note: 'looking' }, null).summary).toBe('Acknowledged alert alr_1 by usr_ann, note "looking"');
    expect(describeEvent('AlertResolved', 'alert', 'alr_1', { by: 'system', resolution: 'auto', note: null }, null).summary).toBe('Resolved alert alr_1 automatically, back to normal');
    expect(describeEvent('AlertResolved', 'alert', 'alr_1', { by: 'usr_ann', resolution: 'manual', note: 'PSP fixed' }, null).summary).toBe('Resolved alert alr_1 by hand by usr_ann, note "PSP fixed"');
    expect(describeEvent('NotificationFailed', 'alert', 'alr_1', { purpose: 'opened', channel: 'email', recipient: 'ann@example.com', attempt: 3, error: 'ECONNREFUSED', dead: true }, null).summary)
      .toBe('The opened notification of alert alr_1 by email to ann@example.com failed (attempt 3): ECONNREFUSED; no attempt left, parked as a dead letter');
  });
});

describe('who and what an event is about', () => {
  it('splits stream ids at the first dash only', () => {
    expect(entityOfStream('datasource-dsn_1')).toEqual({ entityType: 'datasource', entityId: 'dsn_1' });
    expect(entityOfStream('alert-alr_1-x')).toEqual({ entityType: 'alert', entityId: 'alr_1-x' });
  });

  it('tells users, API keys, the system and anonymous callers apart', () => {
    expect([actorKindOf('usr_1'), actorKindOf('key_1'), actorKindOf('scheduler'), actorKindOf('anonymous'), actorKindOf('x', 'user')])
      .toEqual(['user', 'apikey', 'system', 'anonymous', 'user']);
  });
});

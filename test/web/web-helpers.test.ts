import { describe, expect, it } from 'vitest';
import { bodyOf, emptyForm, formOf } from '../../web/src/api/kpi-form.ts';
import { parseFrame } from '../../web/src/api/live.ts';
import { grants, type Me } from '../../web/src/api/me.ts';
import type { Kpi } from '../../web/src/api/types.ts';

describe('the live feed parser', () => {
  it('given an event frame, then its kind and JSON data', () => {
    expect(parseFrame('id: 12\nevent: alert\ndata: {"entityId":"alr_1"}')).toEqual({ kind: 'alert', data: { entityId: 'alr_1' }, id: '12' });
  });

  it('given a heartbeat or the retry line, then nothing', () => {
    expect(parseFrame(': heartbeat')).toBeNull();
    expect(parseFrame('retry: 3000\n: connected')).toBeNull();
  });

  it('given data split over lines, then it is joined before parsing', () => {
    expect(parseFrame('event: audit\ndata: {"a":\ndata: 1}')).toEqual({ kind: 'audit', data: { a: 1 } });
  });
});

describe('the KPI editor form', () => {
  it('given a new form left at its defaults, then the body leaves optional numbers to the API and sends no cron', () => {
    const body = bodyOf({ ...emptyForm(), indicator: ' Deposits ', owner: 'payments', dataSourceId: 'dsn_1', query: 'SELECT 1 AS value' });
    expect(body).toMatchObject({ indicator: 'Deposits', priority: 2, frequencyMinutes: 5, cron: null, minThreshold: null, maxThreshold: null });
    // The API's defaults for a new KPI: the adaptive band at medium sensitivity, no percentage rule, median.
    expect(body).toMatchObject({ sensitivity: 'medium', deviationPercent: null, baselineAggregate: 'median' });
    expect(body).not.toHaveProperty('lastMinutes');
    expect(body).not.toHaveProperty('subjectTemplate');
    // The alert policy left empty follows the service's settings (null), field by field.
    expect(body).toMatchObject({ pendingExecutions: null, resolveAfterExecutions: null, failingAfterFailures: null, reminderMinutes: null, escalateAfterMinutes: null });
  });

  it('given "No band" and an empty deviation, then both rules are sent as off (null), so an edit can turn them off', () => {
    const body = bodyOf({ ...emptyForm(), sensitivity: '', deviationPercent: '', minThreshold: '5' });
    expect(body).toMatchObject({ sensitivity: null, deviationPercent: null, minThreshold: 5 });
    expect(bodyOf({ ...emptyForm(), sensitivity: 'high', deviationPercent: '12.5' })).toMatchObject({ sensitivity: 'high', deviationPercent: 12.5 });
  });

  it('given a cron schedule, then the frequency is cleared', () => {
    expect(bodyOf({ ...emptyForm(), schedule: 'cron', cron: '*/15 * * * *' })).toMatchObject({ cron: '*/15 * * * *', frequencyMinutes: null });
  });

  it('given a saved KPI, then form and body give its fields back', () => {
    const kpi: Kpi = {
      id: 'kpi_1', version: 3, createdAt: '', updatedAt: '', indicator: 'Deposits', owner: 'payments', priority: 1, frequencyMinutes: null,
      cron: '0 * * * *', timezone: 'Europe/Berlin', lastMinutes: 60, sensitivity: 'low', deviationPercent: 12.5, direction: 'drop', minThreshold: 0, maxThreshold: null,
      thresholdCombine: 'all', baselineWeeks: 6, baselineAggregate: 'mean', noDataPolicy: 'breach', dataSourceId: 'dsn_1', query: 'SELECT 1 AS value',
      subjectTemplate: '{indicator}', descriptionTemplate: 'body', contactIds: ['con_1'], labels: { team: 'payments', tier: 'gold' }, cooldownMinutes: 0, timeoutSeconds: 10, active: false,
      pendingExecutions: 2, resolveAfterExecutions: null, failingAfterFailures: 5, reminderMinutes: 0, escalateAfterMinutes: null,
    };
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...fields } = kpi;
    expect(bodyOf(formOf(kpi))).toEqual(fields);
    // A KPI without the band and without a percentage keeps them off.
    const thresholdOnly: Kpi = { ...kpi, sensitivity: null, deviationPercent: null };
    expect(formOf(thresholdOnly)).toMatchObject({ sensitivity: '', deviationPercent: '' });
    expect(bodyOf(formOf(thresholdOnly))).toMatchObject({ sensitivity: null, deviationPercent: null, minThreshold: 0 });
  });
});

describe('what the caller may read, as the server decides it', () => {
  const me = (...scopes: string[]): Me => ({ kind: 'user', id: 'usr_1', name: 'ann', scopes });
  it('given a scope, its area wildcard or admin:*, then granted; given another area, then not', () => {
    expect(grants(me('audit:read'), 'audit:read')).toBe(true);
    expect(grants(me('kpi:*'), 'kpi:write')).toBe(true);
    expect(grants(me('admin:*'), 'audit:read')).toBe(true);
    expect(grants(me('kpi:read', 'alerts:read', 'contacts:read', 'datasources:read'), 'audit:read')).toBe(false);
    expect(grants(me('kpi:*'), 'admin:*')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/core/ports.ts';
import { eventsUpTo, foldEntity, parseAsOf } from '../src/core/replay/fold.ts';

let version = 0;
const at = (hour: number) => new Date(Date.UTC(2026, 2, 2, hour));
const event = (type: string, data: Record<string, unknown>, hour: number): RecordedEvent => ({
  position: ++version, streamId: 'contact-con_1', streamVersion: version, type, data,
  metadata: { actor: 'usr_1', correlationId: 'cor_1' }, recordedAt: at(hour),
});

describe('folding a stream', () => {
  version = 0;
  const stream = [
    event('ContactCreated', { id: 'con_1', contact: { name: 'Ann', email: 'a@example.com', phone: null, active: true } }, 9),
    event('ContactUpdated', { id: 'con_1', changes: { name: { from: 'Ann', to: 'Anna' }, unknownField: { from: 1, to: 2 } } }, 10),
    event('ContactDeleted', { id: 'con_1', contact: {} }, 11),
  ];

  it('given created and updated, then the state has the new values, the version and both times', () => {
    expect(foldEntity('contact', stream.slice(0, 2))).toEqual({
      id: 'con_1', name: 'Anna', email: 'a@example.com', phone: null, active: true, version: 2, createdAt: at(9), updatedAt: at(10),
    });
  });

  it('given a delete, then there is no state', () => {
    expect(foldEntity('contact', stream)).toBeNull();
  });

  it('as of a version or a time, only the events up to it count', () => {
    expect(eventsUpTo(stream, parseAsOf('1')).map((e) => e.type)).toEqual(['ContactCreated']);
    expect(eventsUpTo(stream, parseAsOf('2026-03-02T10:30:00Z')).map((e) => e.type)).toEqual(['ContactCreated', 'ContactUpdated']);
  });

  it('refuses an asOf that is neither a version nor a time', () => {
    for (const bad of ['0', 'yesterday', '-1', '2026-13-45']) expect(() => parseAsOf(bad), bad).toThrow(/version .* or an ISO 8601 time/);
  });
});

describe('folding a KPI created before it had an alert policy of its own', () => {
  it('given a KpiCreated without the policy fields, then they are null (the global settings); a later update sets one', () => {
    const kpiEvent = (type: string, data: Record<string, unknown>, v: number): RecordedEvent => ({
      position: v, streamId: 'kpi-kpi_1', streamVersion: v, type, data, metadata: { actor: 'usr_1', correlationId: 'cor_1' }, recordedAt: at(9),
    });
    const stream = [
      kpiEvent('KpiCreated', { id: 'kpi_1', kpi: { indicator: 'Deposits', owner: 'payments' } }, 1),
      kpiEvent('KpiUpdated', { id: 'kpi_1', changes: { pendingExecutions: { from: null, to: 3 } } }, 2),
    ];
    expect(foldEntity('kpi', stream.slice(0, 1))).toMatchObject({
      indicator: 'Deposits', pendingExecutions: null, resolveAfterExecutions: null, failingAfterFailures: null, reminderMinutes: null, escalateAfterMinutes: null,
    });
    expect(foldEntity('kpi', stream)).toMatchObject({ pendingExecutions: 3, resolveAfterExecutions: null, version: 2 });
  });
});

describe("folding a KPI's run outcomes", () => {
  it('given a breach after an edit, then the version moves but updatedAt stays the edit time (runs are no edits)', () => {
    const kpiEvent = (type: string, data: Record<string, unknown>, v: number, hour: number): RecordedEvent => ({
      position: v, streamId: 'kpi-kpi_1', streamVersion: v, type, data, metadata: { actor: 'scheduler', correlationId: 'run_1' }, recordedAt: at(hour),
    });
    const stream = [
      kpiEvent('KpiCreated', { id: 'kpi_1', kpi: { indicator: 'Deposits', owner: 'payments', active: true } }, 1, 9),
      kpiEvent('KpiUpdated', { id: 'kpi_1', changes: { owner: { from: 'payments', to: 'treasury' } } }, 2, 10),
      kpiEvent('KpiBreachBegan', { id: 'kpi_1', runId: 'run_1', key: null, value: 5, baseline: 1, deviationPercent: 400, reasons: [], at: at(11).toISOString() }, 3, 11),
      kpiEvent('KpiExecutionFailed', { id: 'kpi_1', runId: 'run_2', error: 'down' }, 4, 12),
    ];
    expect(foldEntity('kpi', stream)).toMatchObject({ owner: 'treasury', version: 4, createdAt: at(9), updatedAt: at(10) });
  });
});

describe('folding events written before non-finite numbers were refused', () => {
  it('given deviationPercent null (JSON of Infinity) in a creation or a change, then it reads as no percentage rule (which never breaches either)', () => {
    const kpiEvent = (type: string, data: Record<string, unknown>, v: number): RecordedEvent => ({
      position: v, streamId: 'kpi-kpi_1', streamVersion: v, type, data, metadata: { actor: 'usr_1', correlationId: 'cor_1' }, recordedAt: at(9),
    });
    const created = kpiEvent('KpiCreated', { id: 'kpi_1', kpi: { indicator: 'Deposits', deviationPercent: null, maxThreshold: null } }, 1);
    expect(foldEntity('kpi', [created])).toMatchObject({ deviationPercent: null, maxThreshold: null });
    const fine = kpiEvent('KpiCreated', { id: 'kpi_1', kpi: { indicator: 'Deposits', deviationPercent: 10 } }, 1);
    const changed = kpiEvent('KpiUpdated', { id: 'kpi_1', changes: { deviationPercent: { from: 10, to: null } } }, 2);
    expect(foldEntity('kpi', [fine])).toMatchObject({ deviationPercent: 10 });
    expect(foldEntity('kpi', [fine, changed])).toMatchObject({ deviationPercent: null, version: 2 });
  });
});

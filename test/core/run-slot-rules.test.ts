import { describe, expect, it } from 'vitest';
import { mayChangeAlerts } from '../../src/core/alerts/from-execution.ts';
import { createGroupCommit } from '../../src/core/executions/group-commit.ts';
import { attemptOf, claimedSlot, givenUp, isStuck, leaseEnd, MAX_SLOT_ATTEMPTS, runBudgetMs } from '../../src/core/executions/lease.ts';
import { NO_SPREAD } from '../../src/core/kpis/spread.ts';
import type { SeriesResult } from '../../src/core/executions/outcome.ts';

const at = (iso: string) => new Date(`2026-03-02T${iso}Z`);

describe('lease and slot rules', () => {
  it('the lease is the timeout plus the grace; past it a run is stuck; the run stops its margin before the lease ends', () => {
    const kpi = { timeoutSeconds: 30 };
    expect(leaseEnd(kpi, at('09:00:00'), 10_000)).toEqual(at('09:00:40'));
    expect(isStuck(kpi, at('09:00:00'), at('09:00:40'), 10_000)).toBe(false);
    expect(isStuck(kpi, at('09:00:00'), at('09:00:40.001'), 10_000)).toBe(true);
    expect(runBudgetMs({ leaseUntil: at('09:00:40') }, at('09:00:01'), 6_000)).toBe(33_000);
    expect(runBudgetMs({ leaseUntil: at('09:00:40') }, at('09:00:39'), 6_000)).toBe(0);
  });

  it('a missed KPI runs once for its latest slot; a takeover runs the slot it took over; the next slot is after now', () => {
    const every5 = { frequencyMinutes: 5, cron: null, timezone: 'UTC' };
    const noSpread = { id: 'kpi_a', ...every5 };
    expect(claimedSlot(noSpread, at('09:17:30'), null, at('09:05:00'), NO_SPREAD)).toEqual({ slot: at('09:15:00'), plannedAt: at('09:15:00'), next: at('09:20:00') });
    expect(claimedSlot(noSpread, at('09:17:30'), at('09:05:00'), at('09:20:00'), NO_SPREAD)).toEqual({ slot: at('09:05:00'), plannedAt: at('09:05:00'), next: at('09:20:00') });
  });

  it('a slot taken over more than MAX_SLOT_ATTEMPTS times is given up', () => {
    expect(attemptOf(null)).toBe(1);
    expect(attemptOf(MAX_SLOT_ATTEMPTS)).toBe(MAX_SLOT_ATTEMPTS + 1);
    expect(givenUp({ attempt: MAX_SLOT_ATTEMPTS })).toBeNull();
    expect(givenUp({ attempt: MAX_SLOT_ATTEMPTS + 1 })).toContain(`started ${MAX_SLOT_ATTEMPTS} times`);
  });
});

describe('group commit', () => {
  it('flushes at once when idle, then everything that arrived during a flush in one go; one key per flush', async () => {
    const flushes: string[][] = [];
    let release: () => void = () => undefined;
    const gc = createGroupCommit<string, string>(async (items) => {
      flushes.push([...items]);
      await new Promise<void>((r) => (release = r));
      return items.map((i) => `done ${i}`);
    }, { maxBatch: 2, key: (i) => i.slice(0, 1) });
    const first = gc.submit('a1');
    const rest = ['b1', 'a2', 'c1', 'd1'].map((i) => gc.submit(i));
    expect(flushes).toEqual([['a1']]);
    expect(gc.pending()).toBe(5);
    release();
    await expect(first).resolves.toBe('done a1');
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([['a1'], ['b1', 'a2']]);
    release();
    await new Promise((r) => setImmediate(r));
    expect(flushes[2]).toEqual(['c1', 'd1']);
    release();
    await expect(Promise.all(rest)).resolves.toEqual(['done b1', 'done a2', 'done c1', 'done d1']);
    expect(gc.pending()).toBe(0);
  });

  it('keeps two items of one key apart even with room in the batch', async () => {
    const flushes: string[][] = [];
    const gc = createGroupCommit<string, number>(async (items) => (flushes.push([...items]), items.map(() => 1)), { maxBatch: 10, key: (i) => i.slice(0, 1) });
    await Promise.all([gc.submit('x1'), gc.submit('y1'), gc.submit('x2'), gc.submit('x3')]);
    expect(flushes).toEqual([['x1'], ['y1', 'x2'], ['x3']]);
  });

  it('a flush that throws rejects its own items only', async () => {
    let n = 0;
    const gc = createGroupCommit<string, string>(async (items) => {
      if (n++ === 1) throw new Error('store down');
      await new Promise((r) => setImmediate(r));
      return [...items];
    }, { maxBatch: 10, key: (i) => i });
    const a = gc.submit('a');
    const b = gc.submit('b');
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('store down');
    await expect(gc.submit('c')).resolves.toBe('c');
  });
});

describe('which runs alerting must look at', () => {
  const series = (incident: SeriesResult['incident']) => ({ incident }) as SeriesResult;
  const run = (status: 'success' | 'failed', incidents: SeriesResult['incident'][]) => ({ status, series: incidents.map(series) }) as never;
  it('not a success after a success without an incident opened or ended; every other run', () => {
    expect(mayChangeAlerts({ previous: { lastStatus: 'success', breachingKeys: [] }, result: run('success', [null, null]) })).toBe(false);
    expect(mayChangeAlerts({ previous: { lastStatus: 'success', breachingKeys: ['a'] }, result: run('success', [null, 'ended']) })).toBe(true);
    expect(mayChangeAlerts({ previous: { lastStatus: 'success', breachingKeys: [] }, result: run('success', ['opened']) })).toBe(true);
    expect(mayChangeAlerts({ previous: { lastStatus: 'failed', breachingKeys: [] }, result: run('success', [null]) })).toBe(true);
    expect(mayChangeAlerts({ previous: { lastStatus: null, breachingKeys: [] }, result: run('success', [null]) })).toBe(true);
    expect(mayChangeAlerts({ previous: { lastStatus: 'success', breachingKeys: [] }, result: run('failed', []) })).toBe(true);
    // No rows: the KPI's noDataPolicy may open (or keep) a no-data alert.
    expect(mayChangeAlerts({ previous: { lastStatus: 'success', breachingKeys: [] }, result: run('success', []) })).toBe(true);
  });
});

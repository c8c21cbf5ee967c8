import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { summarise } from '../../src/core/backtest/backtest-summary.ts';
import { MemorySeriesHistory } from '../../src/core/backtest/memory-history.ts';
import type { Replay, ReplayAlert } from '../../src/core/backtest/replay-kpi.ts';
import { NEW_MODEL } from '../../src/core/detection/model.ts';
import { referencePlan } from '../../src/core/detection/references.ts';
import { backtestKpi } from '../../src/core/backtest/run-backtest.ts';

const at = (iso: string) => new Date(iso);
const H = 3_600_000;

describe('the backtest\'s history in memory answers as the store does', () => {
  it('given only backfilled points, then no past for a plan none of them serves, and the new model for one they do', () => {
    const h = new MemorySeriesHistory('');
    h.append({ at: at('2026-03-02T10:00:00Z'), value: 5, seasonal: null, anomalous: false }, null);
    expect(h.find(referencePlan(at('2026-03-20T03:00:00Z'), 5, 4, 'UTC'))).toBeNull();
    const found = h.find(referencePlan(at('2026-03-09T10:00:00Z'), 5, 4, 'UTC'));
    expect(found?.model).toEqual(NEW_MODEL);
    expect(found?.refs.weekly[0]?.value).toBe(5);
  });

  it('given a point earlier than the last (a backfilled past window), then it is found in its place', () => {
    const h = new MemorySeriesHistory('');
    h.append({ at: at('2026-03-09T10:00:00Z'), value: 7, seasonal: 7, anomalous: false }, NEW_MODEL);
    h.append({ at: at('2026-03-02T10:00:00Z'), value: 5, seasonal: null, anomalous: false }, null);
    const found = h.find(referencePlan(at('2026-03-16T10:00:00Z'), 5, 4, 'UTC'));
    expect(found?.refs.weekly.slice(0, 2).map((p) => p?.value)).toEqual([7, 5]);
  });
});

describe('what a backtest\'s alerts would have sent', () => {
  const kpi = backtestKpi({ cooldownMinutes: 60 }, 5, at('2026-03-01T00:00:00Z'));
  const alert = (openedAt: string, resolvedAt: string | null, notifyAt: string): ReplayAlert =>
    ({ id: openedAt, key: null, openedAt: at(openedAt), resolvedAt: resolvedAt === null ? null : at(resolvedAt), notifyAt: at(notifyAt), peakDeviationPercent: -50, why: 'band drop' });
  const replay = (alerts: ReplayAlert[]): Replay => ({ points: [], alerts, cancelled: false, stopped: null, replayed: 0 });
  const recipients = [{ kind: 'email' as const, channel: 'email' as const, address: 'a@example.com', contactId: 'con_a' }, { kind: 'webhook' as const, channel: 'webhook' as const, address: 'hook', contactId: null }];
  const from = at('2026-03-01T00:00:00Z');
  const to = at('2026-03-15T00:00:00Z');

  it('given an alert opened and resolved, then its opening and its resolution to every recipient', () => {
    const s = summarise(replay([alert('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', '2026-03-02T10:00:00Z')]), kpi, DEFAULT_ALERT_POLICY, recipients, from, to);
    expect(s.counts).toMatchObject({ alerts: 1, messages: 4, alertsPerWeek: 0.5, messagesPerWeek: 2 });
    expect(s.counts.byRecipient.map((r) => [r.contactId, r.channel, r.messages, r.messagesPerWeek])).toEqual([['con_a', 'email', 2, 1], [null, 'webhook', 2, 1]]);
  });

  it('given an opening the cooldown held past its end, then it sends nothing; still open at the end, only its opening', () => {
    const held = summarise(replay([alert('2026-03-02T10:00:00Z', '2026-03-02T10:30:00Z', '2026-03-02T11:00:00Z')]), kpi, DEFAULT_ALERT_POLICY, recipients, from, to);
    expect(held.counts.messages).toBe(0);
    expect(held.alerts[0]!.notifiedAt).toBeNull();
    const open = summarise(replay([alert('2026-03-14T10:00:00Z', null, '2026-03-14T10:00:00Z')]), kpi, DEFAULT_ALERT_POLICY, recipients, from, to);
    expect(open.counts.messages).toBe(2);
  });

  it('given reminders every two hours, then one each two hours the alert stays open', () => {
    const s = summarise(replay([alert('2026-03-02T10:00:00Z', new Date(Date.parse('2026-03-02T10:00:00Z') + 5 * H).toISOString(), '2026-03-02T10:00:00Z')]),
      { ...kpi, reminderMinutes: 120 }, DEFAULT_ALERT_POLICY, recipients.slice(0, 1), from, to);
    expect(s.counts.messages).toBe(1 + 2 + 1); // opening, reminders at +2 h and +4 h, resolution
  });
});

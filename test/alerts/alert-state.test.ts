import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.ts';
import {
  decideAcknowledge, decideOnOutcome, decideOnStatus, decideOnTime, decideResolve, evolve, nextTimerAt, NO_COUNTERS, type Counters,
} from '../../src/core/alerts/decide.ts';
import { DEFAULT_ALERT_POLICY, policyFor, type AlertPolicy, type JudgementOutcome } from '../../src/core/alerts/judgement.ts';
import { NO_POLICY_OVERRIDES, type AlertPolicyOverrides } from '../../src/core/kpis/alert-policy.ts';
import { testClock } from '../helpers/clock.ts';

const MIN = 60_000;
const breach: JudgementOutcome = { kind: 'breach', reasons: [{ rule: 'deviation', limit: 10, value: -40 }] };
const ok: JudgementOutcome = { kind: 'ok' };
const policy = (o: Partial<AlertPolicy> = {}): AlertPolicy => ({ ...DEFAULT_ALERT_POLICY, ...o });

function openAlert(at: Date, o: Partial<Alert> = {}): Alert {
  const a = evolve(null, {
    type: 'AlertOpened',
    data: {
      id: 'alr_1', kind: 'breach', kpiId: 'kpi_1', indicator: 'Deposits', key: 'DE', severity: 'high', priority: 2, executionId: 'exe_1',
      openedAt: at.toISOString(), value: 60, baseline: 100, deviationPercent: -40, thresholds: { deviationPercent: 10, min: null, max: null },
      reasons: [], error: null, subject: 's', body: 'b', notifyAt: null,
    },
  });
  return { ...a, openingNotified: true, lastNotifiedAt: at, ...o };
}

/** Feeds outcomes one after another and collects what was decided. */
function run(outcomes: JudgementOutcome[], p: AlertPolicy, start: Counters = NO_COUNTERS, active: Alert | null = null) {
  const clock = testClock();
  let counters = start;
  const intents = [];
  for (const o of outcomes) {
    const d = decideOnOutcome(counters, active, o, p, 30, clock.now());
    counters = d.counters;
    intents.push(...d.intents.map((i) => i.type));
    clock.advance(5 * MIN);
  }
  return { counters, intents };
}

describe('opening', () => {
  it('given no alert, when one execution breaches, then an alert opens and notifies at once', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const d = decideOnOutcome(NO_COUNTERS, null, breach, policy(), 30, now);
    expect(d.intents).toEqual([{ type: 'open', kind: 'breach', notifyAt: null }]);
    expect(d.counters.lastNotifiedAt).toEqual(now);
  });

  it('given pending N = 3, when two breaches come, then nothing opens; the third opens it', () => {
    expect(run([breach, breach], policy({ pendingExecutions: 3 })).intents).toEqual([]);
    expect(run([breach, breach, breach], policy({ pendingExecutions: 3 })).intents).toEqual(['open']);
  });

  it('given pending N = 2, when a normal execution comes between two breaches, then the streak starts again', () => {
    expect(run([breach, ok, breach], policy({ pendingExecutions: 2 })).intents).toEqual([]);
  });

  it('given an open alert, when the KPI keeps breaching, then no second alert opens', () => {
    const active = openAlert(new Date());
    expect(run([breach, breach, breach], policy(), NO_COUNTERS, active).intents).toEqual([]);
  });

  it('given a notification 10 minutes ago and a 30 minute cooldown, when a breach opens an alert, then its notification waits 20 minutes', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const counters = { ...NO_COUNTERS, lastNotifiedAt: new Date(now.getTime() - 10 * MIN) };
    const d = decideOnOutcome(counters, null, breach, policy(), 30, now);
    expect(d.intents).toEqual([{ type: 'open', kind: 'breach', notifyAt: new Date(now.getTime() + 20 * MIN) }]);
    expect(d.counters.lastNotifiedAt).toEqual(counters.lastNotifiedAt);
  });

  it('given a no-judgement outcome (no rows, insufficient history), then neither streak moves', () => {
    const d = decideOnOutcome({ ...NO_COUNTERS, breachStreak: 1 }, null, { kind: 'no_judgement', reason: 'no rows' }, policy({ pendingExecutions: 2 }), 30, new Date());
    expect(d).toEqual({ counters: { ...NO_COUNTERS, breachStreak: 1 }, intents: [] });
  });
});

describe('auto-resolve', () => {
  it('given an open alert and M = 2, when one normal execution comes, then it stays open; after two it resolves with a recovery notification', () => {
    const active = openAlert(new Date());
    expect(run([ok], policy({ resolveAfterExecutions: 2 }), NO_COUNTERS, active).intents).toEqual([]);
    const now = new Date();
    const first = decideOnOutcome(NO_COUNTERS, active, ok, policy({ resolveAfterExecutions: 2 }), 30, now);
    const second = decideOnOutcome(first.counters, active, ok, policy({ resolveAfterExecutions: 2 }), 30, now);
    expect(second.intents).toEqual([{ type: 'resolve', alertId: 'alr_1', resolution: 'auto', notify: true }]);
  });

  it('given an alert whose opening notification was never sent, when it resolves, then no recovery notification goes out', () => {
    const active = openAlert(new Date(), { openingNotified: false });
    const d = decideOnOutcome(NO_COUNTERS, active, ok, policy(), 30, new Date());
    expect(d.intents).toEqual([{ type: 'resolve', alertId: 'alr_1', resolution: 'auto', notify: false }]);
  });
});

describe('the "KPI failing" alert', () => {
  it('given K = 3, when the KPI fails twice, then nothing; the third failure (any kind) opens it', () => {
    const now = new Date();
    let c = NO_COUNTERS;
    for (const status of ['failed', 'timeout'] as const) {
      const d = decideOnStatus(c, null, status, policy(), 30, now);
      expect(d.intents).toEqual([]);
      c = d.counters;
    }
    expect(decideOnStatus(c, null, 'stuck', policy(), 30, now).intents).toEqual([{ type: 'open', kind: 'failing', notifyAt: null }]);
  });

  it('given a failing alert, when the KPI runs successfully again, then it resolves as ran_again', () => {
    const failing = openAlert(new Date(), { kind: 'failing' });
    const d = decideOnStatus({ ...NO_COUNTERS, failureStreak: 5 }, failing, 'success', policy(), 30, new Date());
    expect(d.intents).toEqual([{ type: 'resolve', alertId: 'alr_1', resolution: 'ran_again', notify: true }]);
    expect(d.counters.failureStreak).toBe(0);
  });
});

describe('time: reminders, escalation, the end of a cooldown', () => {
  const opened = new Date('2026-03-02T09:00:00Z');
  const at = (minutes: number) => new Date(opened.getTime() + minutes * MIN);

  it('given escalation after 30 minutes, when 29 minutes pass unacknowledged, then nothing; at 30 it escalates', () => {
    const alert = openAlert(opened);
    expect(decideOnTime(alert, policy(), 30, at(29))).toEqual([]);
    expect(decideOnTime(alert, policy(), 30, at(30))).toEqual([{ type: 'escalate' }]);
    expect(nextTimerAt(alert, policy(), 30)).toEqual(at(30));
  });

  it('given an acknowledged alert, then it neither escalates nor reminds', () => {
    const alert = evolve(openAlert(opened), { type: 'AlertAcknowledged', data: { id: 'alr_1', by: 'ann', note: 'on it', at: at(1).toISOString() } });
    expect(alert.status).toBe('acknowledged');
    expect(decideOnTime(alert, policy({ reminderMinutes: 10 }), 0, at(120))).toEqual([]);
    expect(nextTimerAt(alert, policy({ reminderMinutes: 10 }), 0)).toBeNull();
  });

  it('given reminders every 10 minutes and a 30 minute cooldown, then the reminder waits for the cooldown', () => {
    const alert = openAlert(opened);
    const p = policy({ reminderMinutes: 10, escalateAfterMinutes: 0 });
    expect(decideOnTime(alert, p, 30, at(29))).toEqual([]);
    expect(decideOnTime(alert, p, 30, at(30))).toEqual([{ type: 'remind' }]);
  });

  it('given an opening notification held by the cooldown, when the cooldown ends, then it goes out', () => {
    const alert = openAlert(opened, { openingNotified: false, lastNotifiedAt: null, notifyAt: at(20) });
    expect(decideOnTime(alert, policy({ escalateAfterMinutes: 0 }), 30, at(19))).toEqual([]);
    expect(decideOnTime(alert, policy({ escalateAfterMinutes: 0 }), 30, at(20))).toEqual([{ type: 'notify_opening' }]);
  });

  it('given an escalated alert, then it does not escalate twice', () => {
    const alert = evolve(openAlert(opened), { type: 'AlertEscalated', data: { id: 'alr_1', contactIds: [], afterMinutes: 30, at: at(30).toISOString() } });
    expect(decideOnTime(alert, policy(), 30, at(90))).toEqual([]);
  });
});

describe('acknowledge and resolve by hand', () => {
  it('given an open alert, when acknowledged twice, then the second time changes nothing', () => {
    const alert = openAlert(new Date());
    const events = decideAcknowledge(alert, 'ann', 'looking', new Date());
    expect(events).toMatchObject([{ type: 'AlertAcknowledged', data: { by: 'ann', note: 'looking' } }]);
    expect(decideAcknowledge(evolve(alert, events[0]!), 'bob', null, new Date())).toEqual([]);
  });

  it('given a resolved alert, when acknowledged or resolved, then it is a conflict', () => {
    const alert = evolve(openAlert(new Date()), decideResolve(openAlert(new Date()), 'ann', 'manual', 'fixed', new Date())[0]!);
    expect(alert).toMatchObject({ status: 'resolved', resolvedBy: 'ann', resolution: 'manual', resolveNote: 'fixed', nextTimerAt: null });
    expect(() => decideAcknowledge(alert, 'bob', null, new Date())).toThrow(/resolved already/);
    expect(() => decideResolve(alert, 'bob', 'manual', null, new Date())).toThrow(/resolved already/);
  });
});

describe("a KPI's own alert policy", () => {
  const global = policy({ pendingExecutions: 1, resolveAfterExecutions: 1, failingAfterFailures: 3, reminderMinutes: 0, escalateAfterMinutes: 30 });
  const kpi = (o: Partial<AlertPolicyOverrides>): AlertPolicyOverrides => ({ ...NO_POLICY_OVERRIDES, ...o });

  it('given no overrides, then the global policy applies unchanged', () => {
    expect(policyFor(global, kpi({}))).toEqual(global);
  });

  it('given a KPI override of every field, then each one wins over the global default, 0 included', () => {
    const own = { pendingExecutions: 3, resolveAfterExecutions: 2, failingAfterFailures: 1, reminderMinutes: 15, escalateAfterMinutes: 0 };
    expect(policyFor(global, kpi(own))).toEqual(own);
  });

  it('given global N = 1 and the KPI N = 3, when it breaches twice, then nothing opens; the third opens it', () => {
    const p = policyFor(global, kpi({ pendingExecutions: 3 }));
    expect(run([breach, breach], p).intents).toEqual([]);
    expect(run([breach, breach, breach], p).intents).toEqual(['open']);
    expect(run([breach], global).intents).toEqual(['open']);
  });

  it('given global K = 3 and the KPI K = 1, when it fails once, then "KPI failing" opens', () => {
    const d = decideOnStatus(NO_COUNTERS, null, 'failed', policyFor(global, kpi({ failingAfterFailures: 1 })), 30, new Date());
    expect(d.intents).toEqual([{ type: 'open', kind: 'failing', notifyAt: null }]);
  });

  it('given global escalation after 30 minutes and the KPI 0 (never), when hours pass, then it never escalates; with 5 it escalates at 5', () => {
    const opened = new Date('2026-03-02T09:00:00Z');
    const alert = openAlert(opened);
    expect(decideOnTime(alert, policyFor(global, kpi({ escalateAfterMinutes: 0 })), 30, new Date(opened.getTime() + 300 * MIN))).toEqual([]);
    expect(nextTimerAt(alert, policyFor(global, kpi({ escalateAfterMinutes: 5 })), 30)).toEqual(new Date(opened.getTime() + 5 * MIN));
  });
});

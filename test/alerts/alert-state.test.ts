import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.ts';
import {
  decideAcknowledge, decideOnOutcome, decideOnStatus, decideOnTime, decideResolve, evolve, nextTimerAt, NO_COUNTERS, type Counters,
} from '../../src/core/alerts/decide.ts';
import { DEFAULT_ALERT_POLICY, policyFor, type AlertPolicy } from '../../src/core/alerts/judgement.ts';
import type { IncidentTransition } from '../../src/core/detection/incident.ts';
import { NO_POLICY_OVERRIDES, type AlertPolicyOverrides } from '../../src/core/kpis/alert-policy.ts';
import { testClock } from '../helpers/clock.ts';

const MIN = 60_000;
const policy = (o: Partial<AlertPolicy> = {}): AlertPolicy => ({ ...DEFAULT_ALERT_POLICY, ...o });

function openAlert(at: Date, o: Partial<Alert> = {}): Alert {
  const a = evolve(null, {
    type: 'AlertOpened',
    data: {
      id: 'alr_1', kind: 'breach', kpiId: 'kpi_1', indicator: 'Deposits', key: 'DE', severity: 'high', priority: 2, executionId: 'exe_1',
      openedAt: at.toISOString(), value: 60, baseline: 100, deviationPercent: -40, thresholds: { sensitivity: null, deviationPercent: 10, min: null, max: null }, band: null,
      reasons: [], error: null, subject: 's', body: 'b', notifyAt: null,
    },
  });
  return { ...a, openingNotified: true, lastNotifiedAt: at, ...o };
}

/** Feeds the detector's incident transitions one after another and collects what was decided. */
function run(transitions: IncidentTransition[], start: Counters = NO_COUNTERS, active: Alert | null = null) {
  const clock = testClock();
  let counters = start;
  const intents = [];
  for (const t of transitions) {
    const d = decideOnOutcome(counters, active, t, 30, clock.now());
    counters = d.counters;
    intents.push(...d.intents.map((i) => i.type));
    clock.advance(5 * MIN);
  }
  return { counters, intents };
}

describe('opening: one alert per incident', () => {
  it('given no alert, when the series incident opens, then an alert opens and notifies at once', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const d = decideOnOutcome(NO_COUNTERS, null, 'opened', 30, now);
    expect(d.intents).toEqual([{ type: 'open', kind: 'breach', notifyAt: null }]);
    expect(d.counters.lastNotifiedAt).toEqual(now);
  });

  it('given runs inside an incident (no transition), then nothing opens or resolves', () => {
    expect(run([null, null, null]).intents).toEqual([]);
    expect(run([null, null], NO_COUNTERS, openAlert(new Date())).intents).toEqual([]);
  });

  it('given an open alert (a person resolved the last one while the incident went on), when an incident opens again, then no second alert opens', () => {
    expect(run(['opened'], NO_COUNTERS, openAlert(new Date())).intents).toEqual([]);
  });

  it('given a notification 10 minutes ago and a 30 minute cooldown, when an incident opens an alert, then its notification waits 20 minutes', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const counters = { ...NO_COUNTERS, lastNotifiedAt: new Date(now.getTime() - 10 * MIN) };
    const d = decideOnOutcome(counters, null, 'opened', 30, now);
    expect(d.intents).toEqual([{ type: 'open', kind: 'breach', notifyAt: new Date(now.getTime() + 20 * MIN) }]);
    expect(d.counters.lastNotifiedAt).toEqual(counters.lastNotifiedAt);
  });
});

describe('auto-resolve', () => {
  it('given an open alert, when its incident ends, then it resolves with a recovery notification', () => {
    const active = openAlert(new Date());
    const d = decideOnOutcome(NO_COUNTERS, active, 'ended', 30, new Date());
    expect(d.intents).toEqual([{ type: 'resolve', alertId: 'alr_1', resolution: 'auto', notify: true }]);
  });

  it('given an alert whose opening notification was never sent, when it resolves, then no recovery notification goes out', () => {
    const active = openAlert(new Date(), { openingNotified: false });
    const d = decideOnOutcome(NO_COUNTERS, active, 'ended', 30, new Date());
    expect(d.intents).toEqual([{ type: 'resolve', alertId: 'alr_1', resolution: 'auto', notify: false }]);
  });

  it('given no alert (resolved by a person), when the incident ends, then nothing happens', () => {
    expect(decideOnOutcome(NO_COUNTERS, null, 'ended', 30, new Date()).intents).toEqual([]);
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

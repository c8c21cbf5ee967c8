import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/core/alerts/alert.ts';
import { decideOnTime, evolve, nextTimerAt } from '../../src/core/alerts/decide.ts';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { chainFromInput, type EscalationStep } from '../../src/core/escalation/chain.ts';
import { dueSteps, nextStepAt } from '../../src/core/escalation/due.ts';
import { stepRecipients } from '../../src/core/escalation/step-recipients.ts';
import type { Contact } from '../../src/core/contacts/contact.ts';
import { describeEvent, nameFromEvent } from '../../src/core/audit/describe-event.ts';

const MIN = 60_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * MIN);

/** "The on-call team by email now, by SMS after 10 minutes, the team lead after 30." */
const STEPS: EscalationStep[] = [
  { afterMinutes: 0, targets: [{ type: 'team', id: 'team_oncall', kinds: ['email'] }] },
  { afterMinutes: 10, targets: [{ type: 'team', id: 'team_oncall', kinds: ['sms'] }] },
  { afterMinutes: 30, targets: [{ type: 'contact', id: 'con_lead' }] },
];

function escalating(o: Partial<Alert> = {}): Alert {
  const opened = evolve(null, {
    type: 'AlertOpened',
    data: {
      id: 'alr_1', kind: 'breach', kpiId: 'kpi_1', indicator: 'Deposits', key: 'DE', severity: 'high', priority: 2, executionId: 'exe_1',
      openedAt: T0.toISOString(), value: 60, baseline: 100, deviationPercent: -40, thresholds: { sensitivity: null, deviationPercent: 10, min: null, max: null },
      band: null, reasons: [], error: null, subject: 's', body: 'b', notifyAt: null,
    },
  });
  const started = evolve({ ...opened, openingNotified: true, lastNotifiedAt: T0 }, {
    type: 'AlertEscalationStarted', data: { id: 'alr_1', chainId: 'esc_1', name: 'On call', steps: STEPS, at: T0.toISOString() },
  });
  return { ...started, ...o };
}

const notified = (a: Alert, step: number): Alert =>
  evolve(a, { type: 'AlertEscalationStepNotified', data: { id: a.id, alertId: a.id, chainId: 'esc_1', step, afterMinutes: 0, recipients: [], at: T0.toISOString() } });

const policy = { ...DEFAULT_ALERT_POLICY, reminderMinutes: 0, escalateAfterMinutes: 30 };

describe('which step of a chain is due', () => {
  it('given an alert just opened with a chain, then step 1 is due at once and step 2 only at 10 minutes', () => {
    const a = escalating();
    expect(dueSteps(a, at(0))).toEqual([0]);
    const after1 = notified(a, 1);
    expect(dueSteps(after1, at(9.9))).toEqual([]);
    expect(nextStepAt(after1)).toEqual(at(10));
    expect(dueSteps(after1, at(10))).toEqual([1]);
    expect(nextStepAt(notified(after1, 2))).toEqual(at(30));
  });

  it('given a worker away for 40 minutes, then every step not yet notified is due, in order, once', () => {
    expect(dueSteps(escalating(), at(40))).toEqual([0, 1, 2]);
    expect(dueSteps(notified(escalating(), 2), at(40))).toEqual([2]);
    const done = notified(notified(escalating(), 2), 3);
    expect(dueSteps(done, at(400))).toEqual([]);
    expect(nextStepAt(done)).toBeNull();
  });

  it('given an acknowledged or resolved alert, then no later step is ever due', () => {
    const a = notified(escalating(), 1);
    const acked = evolve(a, { type: 'AlertAcknowledged', data: { id: a.id, by: 'usr_ann', note: null, at: at(5).toISOString() } });
    expect(dueSteps(acked, at(100))).toEqual([]);
    expect(nextStepAt(acked)).toBeNull();
    expect(nextTimerAt(acked, policy, 0)).toBeNull();
    const resolved = evolve(a, { type: 'AlertResolved', data: { id: a.id, by: 'system', resolution: 'auto', note: null, at: at(5).toISOString() } });
    expect(dueSteps(resolved, at(100))).toEqual([]);
    expect(decideOnTime(resolved, policy, 0, at(100))).toEqual([]);
  });

  it('given a silence that holds the alert from minute 5 to 60, then nothing is due while it holds, and the rest counts from its end', () => {
    const a = notified(escalating(), 1);
    const silenced = evolve(a, { type: 'AlertSilenced', data: { id: a.id, silenceId: 'sil_1', until: at(60).toISOString(), at: at(5).toISOString() } });
    expect(dueSteps(silenced, at(45))).toEqual([]);
    expect(nextTimerAt(silenced, policy, 0)).toEqual(at(60)); // only the silence's end
    const free = evolve(silenced, { type: 'AlertUnsilenced', data: { id: a.id, silenceId: 'sil_1', at: at(60).toISOString() } });
    expect(dueSteps(free, at(69))).toEqual([]);
    expect(dueSteps(free, at(70))).toEqual([1]);
    expect(nextStepAt(notified(free, 2))).toEqual(at(90));
  });

  it('given a chain, then the time asks for its steps and never for the single escalation to the owner', () => {
    const a = notified(notified(escalating(), 1), 2);
    expect(decideOnTime(a, policy, 0, at(35))).toEqual([{ type: 'escalation_step', step: 2 }]);
    const plain = { ...a, escalation: null };
    expect(decideOnTime(plain, policy, 0, at(35))).toEqual([{ type: 'escalate' }]);
  });
});

describe('validating a chain', () => {
  it('given the example chain, then it is valid and kept as given', () => {
    expect(chainFromInput({ name: ' On call ', steps: STEPS })).toEqual({ name: 'On call', steps: STEPS });
  });

  it.each([
    ['no steps', { name: 'x', steps: [] }, '/steps'],
    ['minutes not ascending', { name: 'x', steps: [STEPS[1]!, STEPS[0]!] }, '/steps/1/afterMinutes'],
    ['the same minute twice', { name: 'x', steps: [STEPS[0]!, STEPS[0]!] }, '/steps/1/afterMinutes'],
    ['more than a week', { name: 'x', steps: [{ afterMinutes: 10_081, targets: STEPS[0]!.targets }] }, '/steps/0/afterMinutes'],
    ['a step without targets', { name: 'x', steps: [{ afterMinutes: 0, targets: [] }] }, '/steps/0/targets'],
    ['kinds on a channel', { name: 'x', steps: [{ afterMinutes: 0, targets: [{ type: 'channel' as const, id: 'chn_1', kinds: ['sms' as const] }] }] }, '/steps/0/targets/0/kinds'],
    ['a target twice', { name: 'x', steps: [{ afterMinutes: 0, targets: [{ type: 'contact' as const, id: 'c' }, { type: 'contact' as const, id: 'c' }] }] }, '/steps/0/targets/1'],
    ['a blank name', { name: '  ', steps: STEPS }, '/name'],
  ])('given %s, then a validation error names %s', (_what, input, path) => {
    const r = chainFromInput(input);
    expect(Array.isArray(r) ? r.map((e) => e.path) : r).toContain(path);
  });
});

describe('who a step notifies', () => {
  const contact = (id: string, o: Partial<Contact> = {}): Contact =>
    ({ id, name: id, email: `${id}@example.com`, phone: '+49 151 1', active: true, version: 1, createdAt: T0, updatedAt: T0, ...o } as Contact);
  const routing = { mailEnabled: true, smsGatewayDomain: 'sms.example.net', webhooks: [] };
  const team = { id: 'team_oncall', name: 'On call', description: null, members: ['con_a', 'con_b'], channels: ['chn_mail'], version: 1, createdAt: T0, updatedAt: T0 };
  const channels = [{ id: 'chn_mail', kind: 'email', settings: { address: 'oncall@example.com' }, active: true } as never];
  const directory = { contacts: [contact('con_a'), contact('con_b', { active: false }), contact('con_lead', { phone: null })], teams: [team], channels };

  it("given a team by SMS, then its active members' gateway addresses, and not its mail channel", () => {
    expect(stepRecipients(STEPS[1]!, directory, 2, routing)).toEqual([
      { kind: 'sms', channel: 'sms', address: '491511@sms.example.net', contactId: 'con_a', via: 'team:team_oncall' },
    ]);
  });

  it('given a team by email, then its members and its mail channel, each address once', () => {
    const step: EscalationStep = { afterMinutes: 0, targets: [{ type: 'team', id: 'team_oncall', kinds: ['email'] }, { type: 'contact', id: 'con_a' }] };
    expect(stepRecipients(step, directory, 2, routing).map((r) => [r.address, r.via])).toEqual([
      ['con_a@example.com', 'team:team_oncall'], ['oncall@example.com', 'team:team_oncall'],
    ]);
  });

  it('given a contact without kinds, then email, and SMS only for a priority 1 KPI when there is a phone', () => {
    expect(stepRecipients(STEPS[2]!, directory, 1, routing).map((r) => r.kind)).toEqual(['email']);
    expect(stepRecipients({ afterMinutes: 0, targets: [{ type: 'contact', id: 'con_a' }] }, directory, 1, routing).map((r) => r.kind)).toEqual(['email', 'sms']);
  });
});

describe('the audit sentences of escalation', () => {
  it('given a chain created, then its steps in words; given its steps fixed on an alert and a step notified, then who was told and why', () => {
    const created = { id: 'esc_1', escalationChain: { name: 'On call', steps: STEPS } };
    expect(describeEvent('EscalationChainCreated', 'escalationchain', 'esc_1', created, nameFromEvent('escalationchain', created)).summary)
      .toBe('Created escalation chain "On call": now team team_oncall by email; after 10 minutes team team_oncall by sms; after 30 minutes contact con_lead');
    expect(describeEvent('AlertEscalationStarted', 'alert', 'alr_1', { id: 'alr_1', chainId: 'esc_1', name: 'On call', steps: STEPS.slice(2), at: T0.toISOString() }, null).summary)
      .toBe('Escalation chain "On call" (esc_1) started for alert alr_1: after 30 minutes contact con_lead');
    const recipients = [{ kind: 'sms', channel: 'sms', address: '491511@sms.example.net', contactId: 'con_a', via: 'team:team_oncall' }];
    expect(describeEvent('AlertEscalationStepNotified', 'alert', 'alr_1', { id: 'alr_1', alertId: 'alr_1', chainId: 'esc_1', step: 2, afterMinutes: 10, recipients }, null).summary)
      .toBe('Escalated alert alr_1, step 2 of chain esc_1 after 10 minutes unacknowledged, to 491511@sms.example.net by sms (team:team_oncall)');
    expect(describeEvent('AlertEscalationStepNotified', 'alert', 'alr_1', { step: 1, chainId: 'esc_1', afterMinutes: 0, recipients: [] }, null).summary)
      .toContain('to nobody');
  });
});

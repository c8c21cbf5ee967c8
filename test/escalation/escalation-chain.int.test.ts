import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { acknowledgeAlert } from '../../src/core/alerts/alert-commands.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createEscalationChain, updateEscalationChain } from '../../src/core/escalation/chain-commands.ts';
import type { EscalationStep } from '../../src/core/escalation/chain.ts';
import { createRoute } from '../../src/core/routing/route-commands.ts';
import { createTeam } from '../../src/core/routing/team-commands.ts';
import { createSilence } from '../../src/core/silences/silence-commands.ts';
import { buildTestApp } from '../helpers/app.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, meta, MINUTE, recovered, startSmtp, type AlertFixture, type TestSmtp } from '../alerts/fixture.ts';

/**
 * An escalation chain on a moved clock, through the real path: a breach opens an alert, a route names
 * the chain, the alert worker's timer notifies each step once, real mail goes to a real SMTP server.
 */

let store: TestStore;
let smtp: TestSmtp;
let f: AlertFixture;

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  // The single escalation to the owner after 30 minutes is on: a chain must replace it, not add to it.
  f = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 30, reminderMinutes: 0 } });
});
afterAll(async () => {
  f.close();
  await smtp.stop();
  await store.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);
const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address)).map((m) => m.subject);
const types = async (alertId: string) => (await readStream(store.db, `alert-${alertId}`)).map((e) => e.type);

/** A KPI owned by a fresh owner, an on-call team (one member), a team lead, the example chain and a route to it. */
async function setUp() {
  const u = unique();
  const owner = `owner-${u}`;
  const digits = `49151${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const ann = await createContact(f.deps, buildContact({ name: `ann-${u}`, email: `ann-${u}@example.com`, phone: `+${digits}` }), meta);
  // The lead is also the owner's contact: the old single escalation would mail them at 30 minutes.
  const lead = await createContact(f.deps, buildContact({ name: owner, email: `lead-${u}@example.com`, phone: null }), meta);
  const teamId = (await createTeam(f.deps, { name: `on call ${u}`, description: null, members: [ann.id], channels: [] }, meta)).id;
  const steps: EscalationStep[] = [
    { afterMinutes: 0, targets: [{ type: 'team', id: teamId, kinds: ['email'] }] },
    { afterMinutes: 10, targets: [{ type: 'team', id: teamId, kinds: ['sms'] }] },
    { afterMinutes: 30, targets: [{ type: 'contact', id: lead.id }] },
  ];
  const chain = await createEscalationChain(f.deps, { name: `chain ${u}`, steps }, meta);
  await createRoute(f.deps, { name: `route ${u}`, match: { owners: [owner] }, teams: [], channels: [], escalationChainId: chain.id }, meta);
  const kpi = await f.makeKpi({ owner, cooldownMinutes: 0, priority: 2 }, [buildContact({ name: `kpi-${u}`, email: `kpi-${u}@example.com`, phone: null })]);
  return { kpi, chain, ann: ann.email!, sms: `${digits}@sms.example.net`, lead: lead.email!, kpiContact: `kpi-${u}@example.com` };
}

/** Moves the clock and runs the worker twice (a second round must not repeat anything). */
async function at(minutes: number, from: Date): Promise<void> {
  f.clock.set(new Date(from.getTime() + minutes * MINUTE));
  await f.worker.tick();
  await f.worker.tick();
}

describe('an escalation chain on a moved clock', () => {
  it('given the example chain, then each step notifies once at its minute, and acknowledging stops it: the lead never hears', async () => {
    const s = await setUp();
    const opened = f.clock.now();
    const alertId = (await f.judge(breach(s.kpi))).opened[0]!;
    // Editing the chain after the alert opened changes nothing for it: the steps were copied when it opened.
    await updateEscalationChain(f.deps, s.chain.id, { steps: [s.chain.steps[0]!] }, undefined, meta);

    await at(0, opened);
    expect([mailsTo(s.kpiContact).length, mailsTo(s.ann).length, mailsTo(s.sms).length]).toEqual([1, 1, 0]);
    expect(mailsTo(s.ann)[0]).toMatch(/^Escalation: /);
    await at(9, opened);
    expect(mailsTo(s.sms)).toHaveLength(0);
    await at(10, opened);
    expect([mailsTo(s.ann).length, mailsTo(s.sms).length]).toEqual([1, 1]);

    await at(15, opened);
    await acknowledgeAlert({ ...f.deps, settings: f.settings }, alertId, 'on it', { ...meta, actor: 'usr_ann' });
    await at(30, opened);
    await at(240, opened);
    expect(mailsTo(s.lead)).toEqual([]);
    expect([mailsTo(s.ann).length, mailsTo(s.sms).length]).toEqual([1, 1]);
    const events = await readStream(store.db, `alert-${alertId}`);
    expect(events.filter((e) => e.type === 'AlertEscalationStepNotified').map((e) => [e.data.step, (e.data.recipients as { address: string }[]).map((r) => r.address)]))
      .toEqual([[1, [s.ann]], [2, [s.sms]]]);
    expect(events.map((e) => e.type)).not.toContain('AlertEscalated');
  });

  it('given the chain runs to its end, then the lead hears once at 30 minutes, and the single escalation to the owner does not come as well', async () => {
    const s = await setUp();
    const opened = f.clock.now();
    const alertId = (await f.judge(breach(s.kpi))).opened[0]!;
    await at(29, opened);
    expect(mailsTo(s.lead)).toEqual([]);
    await at(30, opened);
    await at(300, opened);
    expect(mailsTo(s.lead)).toEqual([expect.stringMatching(/^Escalation: /)]);
    expect(smtp.mails.find((m) => m.to.includes(s.lead))!.text).toContain('Not acknowledged after 30 minutes: escalation chain');
    const t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
    try {
      // What a user sees of it: the chain fixed on the alert and how far it got; the audit trail in words.
      expect((await t.inject({ method: 'GET', url: `/api/v1/alerts/${alertId}` })).json().escalation)
        .toEqual({ chainId: s.chain.id, name: s.chain.name, steps: s.chain.steps, notified: 3 });
    } finally {
      await t.close();
    }
  });

  it('given the alert resolves after the SMS step, then no later step fires', async () => {
    const s = await setUp();
    const opened = f.clock.now();
    const alertId = (await f.judge(breach(s.kpi))).opened[0]!;
    await at(10, opened);
    expect(mailsTo(s.sms)).toHaveLength(1);
    f.clock.set(new Date(opened.getTime() + 20 * MINUTE));
    expect((await f.judge(recovered(s.kpi))).resolved).toEqual([alertId]);
    await at(31, opened);
    await at(120, opened);
    expect(mailsTo(s.lead)).toEqual([]);
    expect((await types(alertId)).filter((t) => t === 'AlertEscalationStepNotified')).toHaveLength(2);
  });

  it('given a silence over the first 20 minutes, then no step goes out under it, and the steps count from its end', async () => {
    const s = await setUp();
    const opened = f.clock.now();
    await createSilence({ ...f.deps, policy: f.settings.policy }, { kpiIds: [s.kpi.id], durationMinutes: 20, comment: 'deploy' }, meta);
    await f.judge(breach(s.kpi));
    await at(15, opened);
    expect([mailsTo(s.ann).length, mailsTo(s.sms).length]).toEqual([0, 0]);
    await at(21, opened); // the silence let go at 20: step 1 (0 minutes) now
    expect([mailsTo(s.ann).length, mailsTo(s.sms).length]).toEqual([1, 0]);
    await at(29, opened);
    expect(mailsTo(s.sms)).toHaveLength(0);
    await at(31, opened); // 10 minutes after the silence's end
    expect(mailsTo(s.sms)).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { acknowledgeAlert } from '../../src/core/alerts/alert-commands.ts';
import { handleJudgements } from '../../src/core/alerts/handle-judgements.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, judgement, meta, MINUTE, recovered, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';

let store: TestStore;
let smtp: TestSmtp;
let f: AlertFixture;

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  f = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 30, reminderMinutes: 0 } });
});
afterAll(async () => {
  f.close();
  await smtp.stop();
  await store.close();
});

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address)).map((m) => m.subject);
const alert = (id: string) => f.deps.uow.read.alerts.get(id);

describe('one alert per incident', () => {
  it('given the detector opens an incident, then an alert opens; breaches inside it open nothing more; when it ends, the alert resolves with a recovery mail', async () => {
    const kpi = await f.makeKpi({ indicator: 'Pending', cooldownMinutes: 0 }, [buildContact({ email: 'pat@example.com', phone: null })]);
    expect((await f.judge(judgement(kpi, { outcome: { kind: 'breach', reasons: [] }, value: 40 }))).opened).toEqual([]); // a breach, no incident yet
    const { opened } = await f.judge(breach(kpi));
    expect(opened).toHaveLength(1);
    expect((await f.judge(breach(kpi))).opened).toEqual([]); // flapping inside the incident
    await f.worker.tick();
    expect(mailsTo('pat@example.com')).toEqual(['[critical] Pending DE: 40 vs baseline 100 (-60.0%)']);

    expect((await f.judge(judgement(kpi))).resolved).toEqual([]);
    expect((await f.judge(recovered(kpi))).resolved).toEqual(opened);
    await f.worker.tick();
    expect(mailsTo('pat@example.com')).toHaveLength(2);
    expect(mailsTo('pat@example.com')[1]).toMatch(/^Resolved: /);
    expect(smtp.mails.find((m) => m.subject.startsWith('Resolved: ') && m.to.includes('pat@example.com'))?.text).toContain('Back to normal: 98 against a baseline of 100.');
    expect(await alert(opened[0]!)).toMatchObject({ status: 'resolved', resolution: 'auto', resolvedBy: 'system', band: { low: 80, high: 120 } });
    expect((await readStream(store.db, `alert-${opened[0]}`)).map((e) => e.type)).toEqual(['AlertOpened', 'NotificationSent', 'AlertResolved', 'NotificationSent']);
  });

  it('given "no rows" inside an incident, then it neither opens nor resolves anything', async () => {
    const kpi = await f.makeKpi({ cooldownMinutes: 0 });
    expect((await f.judge(breach(kpi))).opened).toHaveLength(1);
    const quiet = await f.judge(judgement(kpi, { outcome: { kind: 'no_judgement', reason: 'no_rows' }, value: null }));
    expect(quiet).toEqual({ opened: [], resolved: [] });
  });
});

describe('cooldown', () => {
  it('given an alert notified and resolved, when the KPI breaches again within the cooldown, then the new alert waits for the cooldown to end to notify', async () => {
    const kpi = await f.makeKpi({ indicator: 'Cooldown', cooldownMinutes: 30 }, [buildContact({ email: 'cora@example.com', phone: null })]);
    const first = (await f.judge(breach(kpi), breach(kpi))).opened[0]!;
    await f.judge(recovered(kpi));
    await f.worker.tick();
    expect(mailsTo('cora@example.com')).toHaveLength(2); // opened, resolved
    expect((await alert(first))?.status).toBe('resolved');

    f.clock.advance(10 * MINUTE);
    const second = (await f.judge(breach(kpi), breach(kpi))).opened[0]!;
    expect(await alert(second)).toMatchObject({ openingNotified: false, notifyAt: new Date(f.clock.now().getTime() + 20 * MINUTE) });
    await f.worker.tick();
    expect(mailsTo('cora@example.com')).toHaveLength(2);

    f.clock.advance(20 * MINUTE);
    await f.worker.tick();
    expect(mailsTo('cora@example.com')).toHaveLength(3);
    expect(await alert(second)).toMatchObject({ openingNotified: true, notifyAt: null });
  });

  it('given an alert held by the cooldown, when it resolves before the cooldown ends, then no mail at all goes out for it', async () => {
    const kpi = await f.makeKpi({ cooldownMinutes: 30 }, [buildContact({ email: 'quiet@example.com', phone: null })]);
    await f.judge(breach(kpi), breach(kpi));
    await f.judge(recovered(kpi));
    await f.worker.tick();
    const held = (await f.judge(breach(kpi), breach(kpi))).opened[0]!;
    await f.judge(recovered(kpi));
    f.clock.advance(60 * MINUTE);
    await f.worker.tick();
    expect(mailsTo('quiet@example.com')).toHaveLength(2); // only the first alert's opened and resolved
    expect(await f.deps.uow.read.outbox.forAlert(held)).toEqual([]);
  });
});

describe('acknowledgement and escalation', () => {
  it('given an unacknowledged alert, when 30 minutes pass, then the owner contact gets the escalation mail; an acknowledged one does not escalate', async () => {
    const owner = `team-${Math.random().toString(36).slice(2)}`;
    const kpi = await f.makeKpi({ owner, cooldownMinutes: 0 }, [buildContact({ email: 'duty@example.com', phone: null }), buildContact({ name: owner, email: 'lead@example.com', phone: null })]);
    const other = await f.makeKpi({ owner, cooldownMinutes: 0 }, []);
    const open = (await f.judge(breach(kpi), breach(kpi))).opened[0]!;
    const acked = (await f.judge(breach(other, { key: 'FR' }), breach(other, { key: 'FR' }))).opened[0]!;
    await acknowledgeAlert({ ...f.deps, settings: f.settings }, acked, 'on it', { ...meta, actor: 'usr_ann' });
    await f.worker.tick();
    smtp.mails.length = 0;

    f.clock.advance(29 * MINUTE);
    await f.worker.tick();
    expect(smtp.mails).toEqual([]);
    f.clock.advance(1 * MINUTE);
    await f.worker.tick();
    expect(smtp.mails.map((m) => [m.to, m.subject.split(':')[0]])).toEqual([[['lead@example.com'], 'Escalation']]);
    expect(smtp.mails[0]!.text).toContain('Not acknowledged after 30 minutes');
    expect(await alert(open)).toMatchObject({ escalatedAt: f.clock.now() });
    expect(await alert(acked)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'usr_ann', acknowledgeNote: 'on it', escalatedAt: null });

    f.clock.advance(120 * MINUTE);
    await f.worker.tick();
    expect(smtp.mails).toHaveLength(1); // escalates once
    expect((await readStream(store.db, `alert-${open}`)).map((e) => e.type)).toContain('AlertEscalated');
  });

  it('given reminders every 15 minutes, then an unacknowledged alert reminds until it is acknowledged', async () => {
    const reminding = await alertFixture(store, { smtpUrl: smtp.url, policy: { reminderMinutes: 15, escalateAfterMinutes: 0 } });
    try {
      const kpi = await reminding.makeKpi({ cooldownMinutes: 0 }, [buildContact({ email: 'rita@example.com', phone: null })]);
      const id = (await reminding.judge(breach(kpi))).opened[0]!;
      await reminding.worker.tick();
      for (let i = 0; i < 2; i++) {
        reminding.clock.advance(15 * MINUTE);
        await reminding.worker.tick();
      }
      expect(mailsTo('rita@example.com').map((s) => s.split(':')[0])).toEqual(['[critical] ' + kpi.indicator + ' DE', 'Reminder', 'Reminder']);
      await acknowledgeAlert({ ...reminding.deps, settings: reminding.settings }, id, null, meta);
      reminding.clock.advance(60 * MINUTE);
      await reminding.worker.tick();
      expect(mailsTo('rita@example.com')).toHaveLength(3);
    } finally {
      reminding.close();
    }
  });
});

describe("a KPI's own policy over the global one (escalation after 30 minutes)", () => {
  it('given a KPI with escalation after 5 minutes, then the owner hears at 5 minutes', async () => {
    const owner = `team-${Math.random().toString(36).slice(2)}`;
    const kpi = await f.makeKpi(
      { owner, cooldownMinutes: 0, pendingExecutions: 1, resolveAfterExecutions: 1, escalateAfterMinutes: 5 },
      [buildContact({ email: 'own@example.com', phone: null }), buildContact({ name: owner, email: 'own-lead@example.com', phone: null })],
    );
    const { opened } = await f.judge(breach(kpi));
    expect(opened).toHaveLength(1);
    await f.worker.tick();
    smtp.mails.length = 0;
    f.clock.advance(5 * MINUTE);
    await f.worker.tick();
    expect(smtp.mails.map((m) => [m.to, m.subject.split(':')[0]])).toEqual([[['own-lead@example.com'], 'Escalation']]);
    expect(smtp.mails[0]!.text).toContain('Not acknowledged after 5 minutes');
    expect((await f.judge(recovered(kpi))).resolved).toEqual(opened);
  });
});

describe('the "KPI failing" alert', () => {
  it('given three failed executions in a row, then a failing alert opens and mails the contacts; the next successful run resolves it', async () => {
    const kpi = await f.makeKpi({ indicator: 'Flaky', cooldownMinutes: 0 }, [buildContact({ email: 'fay@example.com', phone: null })]);
    const failed = (status: 'failed' | 'timeout') => judgement(kpi, { status, key: '', value: null, error: 'connection refused' });
    expect((await f.judge(failed('failed'))).opened).toEqual([]);
    expect((await f.judge(failed('timeout'))).opened).toEqual([]);
    const id = (await f.judge(failed('failed'))).opened[0]!;
    await f.worker.tick();
    expect(mailsTo('fay@example.com')).toEqual(['[medium] KPI failing: Flaky failed 3 times in a row']);
    expect(await alert(id)).toMatchObject({ kind: 'failing', error: 'connection refused', status: 'open' });

    expect((await f.judge(judgement(kpi))).resolved).toEqual([id]);
    await f.worker.tick();
    expect(mailsTo('fay@example.com')[1]).toBe('Resolved: [medium] KPI failing: Flaky failed 3 times in a row');
    expect(await alert(id)).toMatchObject({ status: 'resolved', resolution: 'ran_again' });
  });
});

describe('one transaction with the caller', () => {
  it('given the execution side rolls back, then no alert, no event and no outbox row remain', async () => {
    const kpi = await f.makeKpi({ cooldownMinutes: 0 });
    let opened: string[] = [];
    await expect(f.deps.uow.run(async (tx) => {
      opened = (await handleJudgements(tx, [breach(kpi)], { ...f.deps, settings: f.settings }, meta)).opened;
      throw new Error('execution record failed');
    })).rejects.toThrow('execution record failed');
    expect(opened).toHaveLength(1);
    expect(await alert(opened[0]!)).toBeNull();
    expect(await readStream(store.db, `alert-${opened[0]}`)).toEqual([]);
    expect(await f.deps.uow.read.outbox.forAlert(opened[0]!)).toEqual([]);
    expect((await f.judge(breach(kpi))).opened).toHaveLength(1); // nothing of the rolled-back alert stands in the way
  });
});

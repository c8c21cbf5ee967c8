import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/adapters/notifiers/webhook-signature.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, MINUTE, notifierFor, startHookServer, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';
import { createAlertWorker } from '../../src/adapters/delivery/alert-worker.ts';
import { buildContact } from '../helpers/factories.ts';
import { claimNotifications } from '../../src/adapters/storage/outbox.repo.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notification } from '../../src/core/alerts/alert-ports.ts';

const SECRET = 'hook-secret';
let store: TestStore;
let smtp: TestSmtp;
let hooks: Awaited<ReturnType<typeof startHookServer>>;
let f: AlertFixture;

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  hooks = await startHookServer();
  f = await alertFixture(store, {
    smtpUrl: smtp.url, webhookSecret: SECRET,
    webhooks: [{ name: 'ops', kind: 'webhook', url: hooks.url, kpis: null }],
  });
});
afterAll(async () => {
  f.close();
  await smtp.stop();
  await hooks.close();
  await store.close();
});

const streamTypes = async (alertId: string) => (await readStream(store.db, `alert-${alertId}`)).map((e) => e.type);

describe('a breach reaches every channel', () => {
  it('given a priority 1 KPI, when it breaches, then the alert mail and the SMS-gateway mail arrive and the signed webhook is posted', async () => {
    smtp.mails.length = 0;
    const kpi = await f.makeKpi({ priority: 1, indicator: 'Deposits DE' }, [buildContact({ email: 'ann@example.com', phone: '+491512345678' })]);
    const { opened } = await f.judge(breach(kpi));
    expect(opened).toHaveLength(1);
    expect(await f.worker.tick()).toMatchObject({ sent: 3, failed: 0 });

    const subject = '[critical] Deposits DE DE: 40 vs baseline 100 (-60.0%)';
    const mail = smtp.mails.find((m) => m.to[0] === 'ann@example.com');
    expect(mail?.subject).toBe(subject);
    expect(mail?.text).toContain('a deviation of -60.0%. The rule (adaptive band, medium sensitivity) accepted between 80 and 120.');
    const sms = smtp.mails.find((m) => m.to[0] === '491512345678@sms.example.net');
    expect(sms?.text).toBe(subject.slice(0, 160));
    expect(smtp.mails).toHaveLength(2);

    const hook = hooks.hooks.at(-1)!;
    const ts = String(hook.headers[TIMESTAMP_HEADER]);
    expect(hook.headers[SIGNATURE_HEADER]).toBe(signature(SECRET, ts, hook.body));
    expect(JSON.parse(hook.body)).toMatchObject({ purpose: 'opened', subject, alert: { id: opened[0], kpiId: kpi.id, key: 'DE', severity: 'critical', value: 40, band: { low: 80, high: 120 }, reasons: [{ rule: 'deviation', direction: 'drop' }] } });

    expect(await streamTypes(opened[0]!)).toEqual(['AlertOpened', 'NotificationSent', 'NotificationSent', 'NotificationSent']);
  });
});

describe('durable delivery', () => {
  it('given SMTP down, when alerts open, then nothing is lost: after SMTP comes back every notification arrives exactly once', async () => {
    smtp.mails.length = 0;
    await smtp.stop();
    const kpis = [];
    for (let i = 0; i < 4; i++) kpis.push(await f.makeKpi({ priority: 2 }, [buildContact(), buildContact()]));
    for (const kpi of kpis) await f.judge(breach(kpi));

    const first = await f.worker.tick();
    expect(first).toMatchObject({ sent: 4, failed: 8 }); // the webhooks go through, the 8 mails fail
    f.clock.advance(1 * MINUTE); // before the first retry (2 minutes): nothing is due
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 0 });
    f.clock.advance(1 * MINUTE);
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 8 }); // still down
    await smtp.start();
    f.clock.advance(4 * MINUTE);
    expect(await f.worker.tick()).toMatchObject({ sent: 8, failed: 0 });
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 0 });

    expect(smtp.mails).toHaveLength(8);
    expect(new Set(smtp.mails.map((m) => m.notificationId)).size).toBe(8);
    const { rows } = await store.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM notifications WHERE channel = 'email' AND kpi_id = ANY ($1) GROUP BY status`, [kpis.map((k) => k.id)]);
    expect(rows).toEqual([{ status: 'sent', n: 8 }]);
  });

  it('given no attempt left, then the notification is a dead letter that a retry sends', async () => {
    const dead = await alertFixture(store, { smtpUrl: 'smtp://127.0.0.1:1?ignoreTLS=true', retryCount: 1 });
    try {
      const kpi = await dead.makeKpi({}, [buildContact({ email: 'dora@example.com', phone: null })]);
      const { opened } = await dead.judge(breach(kpi));
      expect(await dead.worker.tick()).toMatchObject({ failed: 1 });
      dead.clock.advance(10 * MINUTE);
      expect(await dead.worker.tick()).toMatchObject({ failed: 1 });
      const [n] = (await dead.deps.uow.read.outbox.forAlert(opened[0]!));
      expect(n).toMatchObject({ status: 'dead', attempts: 2, nextAttemptAt: null });
      expect(n!.lastError).toBeTruthy();
      const failed = (await readStream(store.db, `alert-${opened[0]}`)).filter((e) => e.type === 'NotificationFailed').map((e) => e.data.dead);
      expect(failed).toEqual([false, true]);

      // The same row, retried, goes out through a worker that can reach SMTP.
      smtp.mails.length = 0;
      await dead.deps.uow.run((tx) => tx.outbox.requeue(n!.id, dead.clock.now()));
      const healthy = createAlertWorker({ ...dead.deps, db: store.db, settings: dead.settings, retry: { retryCount: 1, baseDelayMs: MINUTE },
        notifier: notifierFor(store, dead.deps, { mailer: f.mailer, clock: dead.clock }) });
      expect(await healthy.tick()).toMatchObject({ sent: 1 });
      expect(smtp.mails.map((m) => m.to)).toEqual([['dora@example.com']]);
    } finally {
      dead.close();
    }
  });
});

describe('a crash between sending and recording', () => {
  it('given a worker that sent and died before recording, then after its lease another worker sends again: one repeat, no more', async () => {
    smtp.mails.length = 0;
    const kpi = await f.makeKpi({}, [buildContact({ email: 'crash@example.com', phone: null })]);
    await f.judge(breach(kpi));
    // The dying worker: claims, sends, and never records.
    const claimed = await claimNotifications(store.db, f.clock.now(), 100, 60_000);
    const mine = claimed.filter((n) => n.kpiId === kpi.id && n.channel === 'email');
    for (const n of mine) await f.mailer.send(n);
    expect(await f.worker.tick()).toMatchObject({ sent: 0 }); // the lease keeps the others off
    f.clock.advance(61_000);
    await f.worker.tick();
    expect(smtp.mails.filter((m) => m.to.includes('crash@example.com'))).toHaveLength(2);
    f.clock.advance(10 * MINUTE);
    await f.worker.tick();
    expect(smtp.mails.filter((m) => m.to.includes('crash@example.com'))).toHaveLength(2);
  });
});

describe('webhooks', () => {
  it('a Slack webhook gets {text}; a webhook slower than its timeout is a failure to retry', async () => {
    const slow = createServer((_req, res) => setTimeout(() => res.writeHead(204).end(), 10_000));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
      const notifier = notifierFor(store, f.deps, {
        mailer: null, timeoutMs: 1500, clock: f.clock,
        webhooks: [{ name: 'chat', kind: 'slack', url: hooks.url, kpis: null }, { name: 'slow', kind: 'webhook', url: slowUrl, kpis: null }],
      });
      const n = (channel: 'slack' | 'webhook', recipient: string) =>
        ({ id: 'ntf_x', alertId: 'alr_x', channel, recipient, subject: 'Deposits dropped', body: 'DE fell to 40', payload: null }) as unknown as Notification;
      expect(await notifier.send(n('slack', 'chat'))).toEqual({ ok: true });
      expect(JSON.parse(hooks.hooks.at(-1)!.body)).toEqual({ text: 'Deposits dropped\nDE fell to 40' });
      expect(hooks.hooks.at(-1)!.headers[SIGNATURE_HEADER]).toBeUndefined();
      expect(await notifier.send(n('webhook', 'slow'))).toMatchObject({ ok: false, error: expect.stringMatching(/timeout/i) });
      expect(await notifier.send(n('webhook', 'gone'))).toEqual({ ok: false, error: 'no webhook channel gone exists (deleted?)', permanent: true });
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});

describe('without SMTP', () => {
  it('given no SMTP configured, then mail and SMS go to the log channel, delivered at once and shown by the delivery log', async () => {
    const noMail = await alertFixture(store, { smtpUrl: 'smtp://127.0.0.1:1?ignoreTLS=true', mailEnabled: false });
    try {
      smtp.mails.length = 0;
      const kpi = await noMail.makeKpi({ priority: 1 }, [buildContact({ email: 'lou@example.com', phone: '+4917012345678' })]);
      const id = (await noMail.judge(breach(kpi))).opened[0]!;
      expect(await noMail.worker.tick()).toMatchObject({ sent: 2, failed: 0 });
      const log = await noMail.deps.uow.read.outbox.forAlert(id);
      expect(log.map((n) => [n.channel, n.recipient, n.status])).toEqual([['log', 'lou@example.com', 'sent'], ['log', '4917012345678@sms.example.net', 'sent']]);
      expect(log[1]!.body).toBe(log[0]!.subject.slice(0, 160));
      expect(smtp.mails).toEqual([]);
    } finally {
      noMail.close();
    }
  });
});

describe.runIf(storeKind() === 'postgres')('several nodes', () => {
  it('three workers on three pools drain one outbox: every notification is sent exactly once', async () => {
    smtp.mails.length = 0;
    const kpi = await f.makeKpi({}, Array.from({ length: 30 }, () => buildContact({ phone: null })));
    const { opened } = await f.judge(breach(kpi));
    const webhooks = [{ name: 'ops', kind: 'webhook' as const, url: hooks.url, kpis: null }];
    const notifier = notifierFor(store, f.deps, { mailer: f.mailer, webhooks, webhookSecret: SECRET, timeoutMs: 1000, clock: f.clock });
    const workers = [0, 1, 2].map(() => {
      const db = store.openAnother(4);
      return createAlertWorker({ ...f.deps, db, settings: f.settings, notifier, retry: { retryCount: 3, baseDelayMs: MINUTE }, batchSize: 5, concurrency: 2 });
    });
    const results = await Promise.all(workers.map((w) => w.tick()));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(31); // 30 mails and the webhook
    expect(smtp.mails.length).toBe(30);
    expect(new Set(smtp.mails.map((m) => m.notificationId)).size).toBe(30);
    expect((await streamTypes(opened[0]!)).filter((t) => t === 'NotificationSent')).toHaveLength(31);
  });
});

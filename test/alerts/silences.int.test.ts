import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { describeEvent } from '../../src/core/audit/describe-event.ts';
import { foldEntity } from '../../src/core/replay/fold.ts';
import type { Kpi } from '../../src/core/kpis/kpi.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, meta, MINUTE, recovered, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createSilence } from '../../src/core/silences/silence-commands.ts';

let store: TestStore;
let smtp: TestSmtp;
let f: AlertFixture;
let t: TestApp;

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  f = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 0 } });
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
});
afterAll(async () => {
  await t.close();
  f.close();
  await smtp.stop();
  await store.close();
});

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
const post = (payload: Record<string, unknown>) => t.inject({ method: 'POST', url: '/api/v1/silences', payload });
const alertOf = async (id: string) => (await t.inject({ method: 'GET', url: `/api/v1/alerts/${id}` })).json();
const types = async (stream: string) => (await readStream(store.db, stream)).map((e) => e.type);

async function kpiFor(address: string, o: Partial<Kpi> = {}): Promise<Kpi> {
  return f.makeKpi({ cooldownMinutes: 0, priority: 2, owner: 'payments', ...o }, [buildContact({ email: address, phone: null })]);
}

describe('a silenced alert', () => {
  it('given a silence for the KPI, when it breaches, then the alert is recorded with the silence id, no mail goes out, and at the silence end the opening mail does', async () => {
    const kpi = await kpiFor('quiet@example.com');
    const created = await post({ kpiIds: [kpi.id], durationMinutes: 60, comment: 'release night' });
    expect(created.statusCode).toBe(201);
    const silence = created.json();
    expect(silence).toMatchObject({ kpiIds: [kpi.id], state: 'active', inForce: true, createdBy: t.adminKeyId, comment: 'release night' });

    const { opened } = await f.judge(breach(kpi));
    expect(opened).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      f.clock.advance(10 * MINUTE);
      await f.worker.tick();
    }
    expect(mailsTo('quiet@example.com')).toHaveLength(0);
    const listed = (await t.inject({ method: 'GET', url: `/api/v1/alerts?kpiId=${kpi.id}` })).json();
    expect(listed.items).toMatchObject([{ id: opened[0], status: 'open', silenceId: silence.id, openingNotified: false }]);
    const silencedOnly = (await t.inject({ method: 'GET', url: `/api/v1/alerts?silenceId=${silence.id}` })).json();
    expect(silencedOnly.items.map((a: { id: string }) => a.id)).toEqual(opened);

    f.clock.advance(11 * MINUTE); // past the end (60 minutes)
    await f.worker.tick();
    expect(mailsTo('quiet@example.com')).toHaveLength(1);
    expect(mailsTo('quiet@example.com')[0]!.subject).toContain(kpi.indicator);
    await f.worker.tick();
    expect(mailsTo('quiet@example.com')).toHaveLength(1);
    expect(await alertOf(opened[0]!)).toMatchObject({ silenceId: null, openingNotified: true });
    expect((await t.inject({ method: 'GET', url: `/api/v1/silences/${silence.id}` })).json()).toMatchObject({ state: 'expired', inForce: false });
    expect(await types(`silence-${silence.id}`)).toEqual(['SilenceCreated', 'SilenceExpired']);
    expect(await types(`alert-${opened[0]}`)).toEqual(['AlertOpened', 'AlertUnsilenced', 'NotificationSent']);
  });

  it('given escalation after 30 minutes, when a 60-minute silence ends, then the escalation waits 30 minutes from the end', async () => {
    const escalating = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 30 } });
    try {
      escalating.clock.set(f.clock.now());
      const kpi = await escalating.makeKpi({ cooldownMinutes: 0, priority: 2, owner: 'Esc Owner' }, [buildContact({ email: 'esc@example.com', phone: null })]);
      await createContact(escalating.deps, buildContact({ name: 'Esc Owner', email: 'esc-owner@example.com', phone: null }), meta);
      await createSilence({ ...escalating.deps, policy: escalating.settings.policy }, { kpiIds: [kpi.id], durationMinutes: 60, comment: 'deploy' }, meta);
      await escalating.judge(breach(kpi));
      const step = async (minutes: number) => {
        escalating.clock.advance(minutes * MINUTE);
        await escalating.worker.tick();
      };
      await step(61);
      expect([mailsTo('esc@example.com').length, mailsTo('esc-owner@example.com').length]).toEqual([1, 0]);
      await step(20);
      expect(mailsTo('esc-owner@example.com')).toHaveLength(0);
      await step(15);
      expect(mailsTo('esc-owner@example.com').map((x) => x.subject)).toEqual([expect.stringMatching(/^Escalation: /)]);
    } finally {
      escalating.close();
    }
  });

  it('given a silenced alert that resolves during the silence, then nobody ever hears of it', async () => {
    const kpi = await kpiFor('never@example.com');
    await post({ kpiIds: [kpi.id], durationMinutes: 30, comment: 'known flake' });
    await f.judge(breach(kpi));
    f.clock.advance(5 * MINUTE);
    await f.judge(recovered(kpi));
    f.clock.advance(60 * MINUTE);
    await f.worker.tick();
    await f.worker.tick();
    expect(mailsTo('never@example.com')).toHaveLength(0);
  });

  it('given a silence ended by hand while its alert fires, then the mail goes out at once, and ending it again is a 409', async () => {
    const kpi = await kpiFor('ended@example.com');
    const silence = (await post({ owner: 'PAYMENTS', keyPattern: 'D?', durationMinutes: 600, comment: 'maintenance' })).json();
    const { opened } = await f.judge(breach(kpi, { key: 'DE' }));
    await f.judge(breach(kpi, { key: 'FRANCE' })); // the pattern does not match: notified as usual
    await f.worker.tick();
    expect(mailsTo('ended@example.com').map((m) => m.subject)).toEqual([expect.stringContaining('FRANCE')]);
    expect((await alertOf(opened[0]!)).silenceId).toBe(silence.id);

    const ended = await t.inject({ method: 'DELETE', url: `/api/v1/silences/${silence.id}`, payload: { note: 'done early' } });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ state: 'ended', endsAt: f.clock.now().toISOString(), inForce: false });
    await f.worker.tick();
    expect(mailsTo('ended@example.com').map((m) => m.subject)).toEqual([expect.stringContaining('FRANCE'), expect.stringContaining('DE')]);
    const again = await t.inject({ method: 'DELETE', url: `/api/v1/silences/${silence.id}` });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');

    const events = await readStream(store.db, `silence-${silence.id}`);
    const sentences = events.map((e) => describeEvent(e.type, 'silence', silence.id, e.data, null).summary);
    expect(sentences[0]).toMatch(new RegExp(`^Created silence ${silence.id} by ${t.adminKeyId} from .* for owner PAYMENTS, keys D\\?, comment "maintenance"$`));
    expect(sentences[1]).toBe(`Ended silence ${silence.id} by ${t.adminKeyId}, note "done early"`);
  });

  it('given an open, notified alert, when it is silenced and the silence is extended, then no reminder goes out until the new end', async () => {
    const reminding = await alertFixture(store, { smtpUrl: smtp.url, policy: { reminderMinutes: 10, escalateAfterMinutes: 0 } });
    try {
      const kpi = await reminding.makeKpi({ cooldownMinutes: 0, priority: 2 }, [buildContact({ email: 'remind@example.com', phone: null })]);
      reminding.clock.set(f.clock.now());
      const { opened } = await reminding.judge(breach(kpi));
      await reminding.worker.tick();
      expect(mailsTo('remind@example.com')).toHaveLength(1);
      const app = await buildTestApp({ store, clock: reminding.clock, overrides: { alertSettings: reminding.settings } });
      try {
        const silence = (await app.inject({ method: 'POST', url: '/api/v1/silences', payload: { kpiIds: [kpi.id], durationMinutes: 30, comment: 'on it' } })).json();
        expect((await app.inject({ method: 'GET', url: `/api/v1/alerts/${opened[0]}` })).json().silenceId).toBe(silence.id);
        const patched = await app.inject({ method: 'PATCH', url: `/api/v1/silences/${silence.id}`, payload: { durationMinutes: 90 } });
        expect(patched.json()).toMatchObject({ version: 2 });
        for (let i = 0; i < 8; i++) {
          reminding.clock.advance(10 * MINUTE);
          await reminding.worker.tick();
        }
        expect(mailsTo('remind@example.com')).toHaveLength(1); // 80 minutes: still silenced
        reminding.clock.advance(20 * MINUTE);
        await reminding.worker.tick();
        expect(mailsTo('remind@example.com').map((m) => m.subject)).toEqual([expect.any(String), expect.stringMatching(/^Reminder: /)]);
        const alertEvents = await types(`alert-${opened[0]}`);
        expect(alertEvents.filter((e) => e.startsWith('Alert'))).toEqual(['AlertOpened', 'AlertSilenced', 'AlertSilenced', 'AlertUnsilenced']);
      } finally {
        await app.close();
      }
    } finally {
      reminding.close();
    }
  });
});

describe('the silences API', () => {
  it('refuses what makes no silence, with every problem at once', async () => {
    const none = await post({ durationMinutes: 60, comment: 'everything' });
    expect(none.statusCode).toBe(400);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json().errors).toEqual([{ path: '/kpiIds', message: 'give at least one of kpiIds, owner, keyPattern, priority, severity' }]);
    const both = await post({ owner: 'x', endsAt: '2030-01-01T00:00:00Z', durationMinutes: 5, comment: 'x' });
    expect(both.json().errors.map((e: { path: string }) => e.path)).toEqual(['/durationMinutes']);
    const backwards = await post({ owner: 'x', startsAt: '2026-03-05T10:00:00Z', endsAt: '2026-03-05T09:00:00Z', comment: 'x' });
    expect(backwards.json().errors).toEqual([{ path: '/endsAt', message: 'must be after startsAt' }]);
    expect((await post({ owner: 'x', comment: 'x' })).json().errors).toEqual([{ path: '/endsAt', message: 'give endsAt or durationMinutes' }]);
    expect((await post({ owner: 'x', durationMinutes: 5 })).statusCode).toBe(400); // no comment
    expect((await post({ owner: 'x', durationMinutes: 5, comment: 'x', priority: 3 })).statusCode).toBe(400);
    expect((await post({ owner: 'x', durationMinutes: 200 * 1440, comment: 'x' })).statusCode).toBe(400);
    expect((await post({ owner: 'x', startsAt: 'tomorrow', durationMinutes: 5, comment: 'x' })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/v1/silences/sil_nothing' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'PATCH', url: '/api/v1/silences/sil_nothing', payload: { comment: 'y' } })).statusCode).toBe(404);
  });

  it('lists silences by state; a future one is active but not in force; reading needs alerts:read', async () => {
    const later = new Date(f.clock.now().getTime() + 24 * 60 * MINUTE).toISOString();
    const future = (await post({ severity: 'low', startsAt: later, durationMinutes: 60, comment: 'tomorrow' })).json();
    expect(future).toMatchObject({ startsAt: later, inForce: false, state: 'active' });
    const active = (await t.inject({ method: 'GET', url: '/api/v1/silences?state=active' })).json();
    expect(active.items.map((s: { id: string }) => s.id)).toContain(future.id);
    expect(active.items.every((s: { state: string }) => s.state === 'active')).toBe(true);
    expect((await t.inject({ method: 'GET', url: '/api/v1/silences', anonymous: true })).statusCode).toBe(401);
  });

  it('rebuilds the silences from their events: the fold and replay agree with the table', async () => {
    const { items } = (await t.inject({ method: 'GET', url: '/api/v1/silences?limit=100' })).json();
    expect(items.length).toBeGreaterThan(3);
    for (const s of items) {
      const folded = foldEntity('silence', await readStream(store.db, `silence-${s.id}`));
      const { inForce: _f, createdAt: _c, updatedAt: _u, ...fields } = s;
      expect(folded).toMatchObject(fields);
    }
    const report = await replay(store.db);
    expect(report.tables.find((x) => x.table === 'silences')).toMatchObject({ rows: items.length, differences: 0 });
  });
});

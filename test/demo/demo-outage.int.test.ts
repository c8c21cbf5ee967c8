import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerting, type Alerting } from '../../src/adapters/delivery/alerting.ts';
import type { DemoRunner } from '../../src/adapters/demo/demo-runner.ts';
import { startDemo } from '../../src/adapters/demo/start-demo.ts';
import { createScheduler, type Scheduler } from '../../src/adapters/scheduler/scheduler.ts';
import { NO_SPREAD } from '../../src/core/kpis/spread.ts';
import { createSourceRegistry, type SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { loadConfig } from '../../src/config.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import { buildTestApp, commandDeps, type TestApp } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/**
 * The demo as a newcomer meets it, through the real wiring (demo database and setup, scheduler, alert
 * listener, delivery worker on the `log` channel), on a clock this test moves a minute at a time: the
 * deposit outage starts at once and lasts the default 4 minutes.
 */
const MINUTE = 60_000;
const clock = testClock('2026-03-03T14:00:00Z'); // a Tuesday afternoon: busy, so the drop is clear
const dir = mkdtempSync(path.join(tmpdir(), 'mg-demo-'));
const config = loadConfig({ DATA_DIR: dir, DEMO_OUTAGE_AFTER_MINUTES: '0' });
const logged: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
let store: TestStore;
let t: TestApp;
let sources: SourceRegistry;
let alerting: Alerting;
let scheduler: Scheduler;
let demo: DemoRunner;

beforeAll(async () => {
  store = await createTestStore();
  const deps = commandDeps(store, clock);
  alerting = createAlerting(config.alerts, { ...deps, db: store.db, linkBaseUrl: 'http://127.0.0.1:8080', logger });
  sources = createSourceRegistry({ secrets: deps.secrets, env: config.secretEnv, sqliteAllowedDirs: config.sqliteAllowedDirs });
  const exec = {
    ...deps, sources, nodeId: 'nod_demo', alertPolicy: alerting.settings.policy,
    listeners: [alertOnExecutions({ clock, ids: deps.ids, settings: alerting.settings })],
  };
  // Runs at their slots (no spread): the test steps whole minutes; a real node starts each up to 30 s later.
  scheduler = createScheduler({ db: store.db, exec, logger }, { maxParallel: config.maxParallelExecutions, retentionDays: config.executionRetentionDays, spread: NO_SPREAD });
  demo = await startDemo(config, deps, logger);
  t = await buildTestApp({ store, clock, overrides: { ...deps, alertSettings: alerting.settings } });
}, 60_000);
afterAll(async () => {
  await scheduler?.stop();
  demo?.stop();
  await alerting?.close();
  await sources?.close();
  await t?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One minute of the demo: new transactions, the KPIs that are due, then the notifications. */
async function minutePasses(): Promise<void> {
  clock.advance(MINUTE);
  demo.tick();
  await scheduler.tick();
  await scheduler.idle();
  await alerting.worker.tick();
}

interface AlertView { id: string; kpiId: string; status: string; severity: string; kind: string; subject: string; resolution: string | null }
interface NotificationView { id: string; purpose: string; channel: string; recipient: string; status: string }

const get = async <T>(url: string): Promise<T> => {
  const res = await t.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
};

describe('the demo, minute by minute', () => {
  it('opens a critical deposits alert, notifies both contacts, and after the outage resolves it with recovery notifications', async () => {
    expect(demo.outage).toEqual({ from: Date.parse('2026-03-03T14:00:00Z'), until: Date.parse('2026-03-03T14:04:00Z') });
    const deposits = (await get<{ items: { id: string; indicator: string }[] }>('/api/v1/kpis?q=deposits%20in%20the%20last')).items[0]!;
    expect(deposits.indicator).toBe('Demo: deposits in the last 5 minutes');
    const depositAlerts = async () => (await get<{ items: AlertView[] }>(`/api/v1/alerts?kpiId=${deposits.id}`)).items;

    let openedAfter = 0;
    while ((await depositAlerts()).length === 0 && openedAfter < 8) {
      await minutePasses();
      openedAfter++;
    }
    // Three of the five minutes in the window are in the outage: deposits are well under half their baseline.
    expect(openedAfter).toBe(3);
    const [alert] = await depositAlerts();
    expect(alert).toMatchObject({ status: 'open', kind: 'breach', severity: 'critical' });
    expect(alert!.subject).toMatch(/^\[critical\] Demo: deposits in the last 5 minutes: \d+ vs baseline [\d.]+ \(-[5-9]\d\.\d%\)$/);

    const sent = async (purpose: string) => (await get<{ items: NotificationView[] }>(`/api/v1/notifications?alertId=${alert!.id}`)).items
      .filter((n) => n.purpose === purpose).map((n) => `${n.channel} ${n.recipient} ${n.status}`).sort();
    expect(await sent('opened')).toEqual(['log head@payments.example sent', 'log oncall@payments.example sent']);
    const loggedSubjects = logged.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('notification (log channel')).map((l) => `${l.recipient} ${l.subject}`);
    expect(loggedSubjects).toEqual(expect.arrayContaining([`oncall@payments.example ${alert!.subject}`, `head@payments.example ${alert!.subject}`]));

    let resolvedAfter = openedAfter;
    while ((await depositAlerts())[0]!.status !== 'resolved' && resolvedAfter < 15) {
      await minutePasses();
      resolvedAfter++;
    }
    // The outage ends at minute 4; by minute 7 three normal minutes of five bring deposits back over half.
    // An incident ends after normality that lasted as long as it did (at least three runs): opened at
    // minute 3, normal again from minute 7, so it ends at minute 10.
    expect(resolvedAfter).toBeGreaterThan(4);
    expect(resolvedAfter).toBeLessThanOrEqual(10);
    expect((await depositAlerts())).toMatchObject([{ id: alert!.id, status: 'resolved', resolution: 'auto' }]);
    expect(await sent('resolved')).toEqual(['log head@payments.example sent', 'log oncall@payments.example sent']);

    const executions = await get<{ items: { trigger: string }[] }>(`/api/v1/kpis/${deposits.id}/executions?limit=200`);
    // One run a minute, from the second: the first round only gives the new KPIs their next slot.
    expect(executions.items.filter((e) => e.trigger === 'schedule')).toHaveLength(resolvedAfter - 1);
    expect(executions.items.filter((e) => e.trigger === 'backfill').length).toBeGreaterThanOrEqual(3); // the first baseline
  }, 60_000);
});

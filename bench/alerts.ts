/**
 * Notifications per second through the outbox to a local SMTP server, against a baseline of the same
 * mails sent straight through the same nodemailer pool (no outbox, no events) in the same run.
 *
 *   tsx bench/alerts.ts                 # embedded PGlite (in memory)
 *   BENCH_STORE=postgres tsx bench/alerts.ts   # a fresh database on TEST_PG_URL (default 127.0.0.1:5432)
 *
 * Env: BENCH_NOTIFICATIONS (default 1000), BENCH_CONCURRENCY (parallel sends per worker, default 10).
 */
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createAlertWorker } from '../src/adapters/delivery/alert-worker.ts';
import { createMailer } from '../src/adapters/notifiers/mail.ts';
import { createChannelDelivery } from '../src/adapters/notifiers/channel-delivery.ts';
import { channelRepo } from '../src/adapters/storage/channels.repo.ts';
import { createNotifier } from '../src/adapters/notifiers/notifier.ts';
import { systemClock } from '../src/adapters/system-clock.ts';
import { handleJudgements } from '../src/core/alerts/handle-judgements.ts';
import { DEFAULT_ALERT_POLICY } from '../src/core/alerts/judgement.ts';
import type { AlertSettings } from '../src/core/alerts/notify.ts';
import type { Notification } from '../src/core/alerts/alert-ports.ts';
import { createContact } from '../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../src/core/kpis/kpi-commands.ts';
import { commandDeps } from '../test/helpers/app.ts';
import { createTestStore, type StoreKind } from '../test/helpers/store.ts';

export interface AlertBenchResult {
  readonly store: StoreKind;
  readonly notifications: number;
  readonly outboxPerSecond: number;
  readonly directPerSecond: number;
  readonly ratio: number;
}

async function startSink(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, closeTimeout: 100,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, received: () => received, close: () => new Promise((r) => server.close(() => r())) };
}

export async function benchAlerts(opts: { store?: StoreKind; notifications?: number; concurrency?: number } = {}): Promise<AlertBenchResult> {
  const total = opts.notifications ?? 1000;
  const concurrency = opts.concurrency ?? 10;
  const contactsPerKpi = 50;
  const store = await createTestStore(opts.store ?? 'pglite');
  const sink = await startSink();
  const mailer = createMailer({ smtpUrl: sink.url, from: 'bench@example.com', maxConnections: concurrency });
  try {
    const deps = commandDeps(store, systemClock);
    const meta = { actor: 'bench', correlationId: 'cor_bench' };
    const settings: AlertSettings = { policy: DEFAULT_ALERT_POLICY, routing: { mailEnabled: true, smsGatewayDomain: null, webhooks: [] }, linkBaseUrl: 'http://bench' };
    const ds = await createDataSource(deps, { name: 'bench', kind: 'postgres', host: '127.0.0.1', database: 'x', user: 'x' }, meta);
    const contactIds: string[] = [];
    for (let i = 0; i < contactsPerKpi; i++) contactIds.push((await createContact(deps, { name: `c${i}`, email: `c${i}@example.com` }, meta)).id);
    const kpi = await createKpi(deps, { indicator: 'Bench', owner: 'bench', dataSourceId: ds.id, query: 'SELECT 1', contactIds, cooldownMinutes: 0 }, meta);

    // Open one alert per key: each queues one mail per contact, all in the outbox before the clock starts.
    await deps.uow.run((tx) => handleJudgements(tx, Array.from({ length: Math.ceil(total / contactsPerKpi) }, (_, k) => ({
      kpi, key: `k${k}`, executionId: 'exe_bench', at: new Date(), status: 'success' as const,
      outcome: { kind: 'breach' as const, reasons: [] }, incident: 'opened' as const, value: 1, baseline: 2, deviationPercent: -50, band: { low: 1.5, high: 2.5 }, error: null,
    })), { ...deps, settings }, meta));
    const queued = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications')).rows[0]!.n;

    const channels = createChannelDelivery({ channels: channelRepo(store.db), secrets: deps.secrets, configured: [], webhookSecret: null, timeoutMs: 5000, clock: systemClock });
    const notifier = createNotifier({ mailer, channels });
    const worker = createAlertWorker({ ...deps, settings, db: store.db, notifier, retry: { retryCount: 3, baseDelayMs: 1000 }, concurrency, batchSize: 100 });
    // Warm the SMTP pool so that neither measurement pays for connecting.
    await Promise.all(Array.from({ length: concurrency }, () => mailer.send({ id: 'warm', alertId: 'warm', recipient: 'w@example.com', subject: 'w', body: 'w', channel: 'email' } as Notification)));

    let started = performance.now();
    const result = await worker.tick();
    const outboxSeconds = (performance.now() - started) / 1000;
    if (result.sent !== queued) throw new Error(`sent ${result.sent} of ${queued}`);

    const sample = (await deps.uow.read.outbox.list({ limit: 1 })).items[0]!;
    started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < queued) await mailer.send(sample);
    }));
    const directSeconds = (performance.now() - started) / 1000;

    const outboxPerSecond = Math.round(queued / outboxSeconds);
    const directPerSecond = Math.round(queued / directSeconds);
    return { store: store.kind, notifications: queued, outboxPerSecond, directPerSecond, ratio: Math.round((outboxPerSecond / directPerSecond) * 100) / 100 };
  } finally {
    mailer.close();
    await sink.close();
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const store = (process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'pglite') as StoreKind;
  const r = await benchAlerts({ store, notifications: Number(process.env.BENCH_NOTIFICATIONS ?? 1000), concurrency: Number(process.env.BENCH_CONCURRENCY ?? 10) });
  console.log('| store | notifications | outbox → SMTP (/s) | direct SMTP baseline (/s) | ratio |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${r.store} | ${r.notifications} | ${r.outboxPerSecond} | ${r.directPerSecond} | ${r.ratio} |`);
}

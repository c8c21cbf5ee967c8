import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createAlertWorker, type AlertWorker } from '../../src/adapters/delivery/alert-worker.ts';
import { createMailer, type Mailer } from '../../src/adapters/notifiers/mail.ts';
import { createNotifier } from '../../src/adapters/notifiers/notifier.ts';
import { createChannelDelivery } from '../../src/adapters/notifiers/channel-delivery.ts';
import { channelRepo } from '../../src/adapters/storage/channels.repo.ts';
import type { Notifier } from '../../src/core/alerts/alert-ports.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { WebhookTarget } from '../../src/adapters/notifiers/webhook-signature.ts';
import { handleJudgements } from '../../src/core/alerts/handle-judgements.ts';
import { DEFAULT_ALERT_POLICY, type AlertPolicy, type SeriesJudgement } from '../../src/core/alerts/judgement.ts';
import type { AlertSettings } from '../../src/core/alerts/notify.ts';
import type { LinkSigner } from '../../src/core/alerts/action-links.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import type { ContactInput } from '../../src/core/contacts/contact.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { Kpi, KpiInput } from '../../src/core/kpis/kpi.ts';
import type { CommandDeps, EventMeta } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock, type TestClock } from '../helpers/clock.ts';
import { buildContact, buildDataSource, buildKpi } from '../helpers/factories.ts';
import type { TestStore } from '../helpers/store.ts';

export const MINUTE = 60_000;
export const meta: EventMeta = { actor: 'test', correlationId: 'cor_test' };

export interface Mail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly notificationId: string;
}

/** A real SMTP server in process that keeps what it receives. `stop` and `start` again on the same port. */
export interface TestSmtp {
  readonly mails: Mail[];
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const mails: Mail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const start = () => new Promise<void>((resolve, reject) => {
    const s = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, closeTimeout: 100,
      onData(stream, session, callback) {
        const to = session.envelope.rcptTo.map((r) => r.address);
        simpleParser(stream).then((m) => {
          const header = m.headers.get('x-monitoringgrid-notification');
          mails.push({ to, subject: m.subject ?? '', text: (m.text ?? '').trim(), notificationId: typeof header === 'string' ? header : '' });
          callback();
        }, callback);
      },
    });
    s.on('error', () => undefined);
    s.listen(port, '127.0.0.1', () => {
      port = (s.server.address() as AddressInfo).port;
      server = s;
      resolve();
    });
    s.server.once('error', reject);
  });
  await start();
  return {
    mails, get port() { return port; }, get url() { return `smtp://127.0.0.1:${port}?ignoreTLS=true`; },
    start,
    stop: () => new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (s === null) resolve();
      else s.close(() => resolve());
    }),
  };
}

export interface Hook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server that records webhook requests and answers 204. */
export async function startHookServer(): Promise<{ hooks: Hook[]; url: string; close(): Promise<void> }> {
  const hooks: Hook[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { hooks, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The service's notifier: mail, and the configured webhooks and stored channels of `store`. */
export function notifierFor(store: TestStore, deps: Pick<CommandDeps, 'secrets'>, o: {
  mailer: Mailer | null; webhooks?: WebhookTarget[]; webhookSecret?: string | null; timeoutMs?: number; clock: Clock; log?: () => void;
  links?: { signer: LinkSigner; baseUrl: string };
}): Notifier {
  const channels = createChannelDelivery({
    channels: channelRepo(store.db), secrets: deps.secrets, configured: o.webhooks ?? [], webhookSecret: o.webhookSecret ?? null, timeoutMs: o.timeoutMs ?? 2000, clock: o.clock,
  });
  return createNotifier({ mailer: o.mailer, channels, ...(o.log ? { log: o.log } : {}), ...(o.links ? { links: o.links } : {}) });
}

export interface AlertFixture {
  readonly clock: TestClock;
  readonly deps: CommandDeps;
  readonly settings: AlertSettings;
  readonly worker: AlertWorker;
  readonly mailer: Mailer;
  makeKpi(o?: Partial<KpiInput>, contacts?: ContactInput[]): Promise<Kpi>;
  /** Runs handleJudgements in its own transaction, as the execution side will. */
  judge(...judgements: SeriesJudgement[]): Promise<{ opened: string[]; resolved: string[] }>;
  close(): void;
}

/** A normal run inside or outside an incident: it opens and resolves nothing. */
export function judgement(kpi: Kpi, o: Partial<SeriesJudgement> = {}): SeriesJudgement {
  return {
    kpi, key: 'DE', executionId: `exe_${Math.random().toString(36).slice(2)}`, at: new Date(), status: 'success',
    outcome: { kind: 'ok' }, incident: null, value: 100, baseline: 100, deviationPercent: 0, band: { low: 80, high: 120 }, error: null, ...o,
  };
}

/** A breaching run with which the detector opened the series' incident (core/detection/incident.ts). */
export const breach = (kpi: Kpi, o: Partial<SeriesJudgement> = {}): SeriesJudgement =>
  judgement(kpi, { outcome: { kind: 'breach', reasons: [{ rule: 'deviation', direction: 'drop', limit: 20, value: -60 }] }, incident: 'opened', value: 40, deviationPercent: -60, ...o });

/** A normal run with which the detector ended the series' incident. */
export const recovered = (kpi: Kpi, o: Partial<SeriesJudgement> = {}): SeriesJudgement => judgement(kpi, { incident: 'ended', value: 98, deviationPercent: -2, ...o });

export async function alertFixture(store: TestStore, o: {
  smtpUrl: string; mailEnabled?: boolean; policy?: Partial<AlertPolicy>; webhooks?: WebhookTarget[]; webhookSecret?: string; retryCount?: number; concurrency?: number;
  /** Signs action links into the messages (as main.ts does); none when absent. */
  actionLinks?: LinkSigner;
}): Promise<AlertFixture> {
  const clock = testClock('2026-03-02T09:00:00Z');
  const deps = commandDeps(store, clock);
  const webhooks = o.webhooks ?? [];
  const settings: AlertSettings = {
    policy: { ...DEFAULT_ALERT_POLICY, ...o.policy },
    routing: { mailEnabled: o.mailEnabled ?? true, smsGatewayDomain: 'sms.example.net', webhooks: webhooks.map(({ name, kind, kpis }) => ({ name, kind, kpis })) },
    linkBaseUrl: 'http://grid.example',
  };
  const mailer = createMailer({ smtpUrl: o.smtpUrl, from: 'grid@example.com', maxConnections: 2 });
  const links = o.actionLinks ? { links: { signer: o.actionLinks, baseUrl: settings.linkBaseUrl } } : {};
  const notifier = notifierFor(store, deps, { mailer, webhooks, webhookSecret: o.webhookSecret ?? null, clock, ...links });
  const worker = createAlertWorker({
    ...deps, db: store.db, settings, notifier, retry: { retryCount: o.retryCount ?? 3, baseDelayMs: 2 * MINUTE }, random: () => 0.5,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
  });
  const ds = await createDataSource(deps, buildDataSource(), meta);
  return {
    clock, deps, settings, worker, mailer,
    async makeKpi(k = {}, contacts = [buildContact()]) {
      const ids = [];
      for (const c of contacts) ids.push((await createContact(deps, c, meta)).id);
      return createKpi(deps, buildKpi({ dataSourceId: ds.id, contactIds: ids, ...k }), meta);
    },
    judge: (...js) => deps.uow.run((tx) => handleJudgements(tx, js, { ...deps, settings }, meta)),
    close: () => mailer.close(),
  };
}

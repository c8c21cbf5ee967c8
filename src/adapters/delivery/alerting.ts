import type { AlertCommandDeps } from '../../core/alerts/alert-commands.ts';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/judgement.ts';
import type { AlertSettings } from '../../core/alerts/notify.ts';
import type { AlertConfig } from '../../config.ts';
import { createMailer } from '../notifiers/mail.ts';
import { createNotifier } from '../notifiers/notifier.ts';
import { createChannelDelivery, type ChannelDelivery } from '../notifiers/channel-delivery.ts';
import { channelRepo } from '../storage/channels.repo.ts';
import type { SecretBox } from '../../core/ports.ts';
import type { LinkSigner } from '../../core/alerts/action-links.ts';
import type { Db } from '../storage/db.ts';
import type { Tracer } from '../../core/tracer.ts';
import { createAlertWorker, type AlertWorker } from './alert-worker.ts';
import { createStaleCheck } from './stale-check.ts';

/** Settings without configuration: default policy, mail to the `log` channel, no webhooks. */
export const defaultAlertSettings = (linkBaseUrl = 'http://127.0.0.1:8080'): AlertSettings => ({
  policy: DEFAULT_ALERT_POLICY,
  routing: { mailEnabled: false, smsGatewayDomain: null, webhooks: [] },
  linkBaseUrl,
});

/** The core's view of the alert configuration: no URLs, no secrets. */
export function alertSettingsOf(c: AlertConfig, linkBaseUrl: string): AlertSettings {
  return {
    policy: {
      pendingExecutions: c.pendingExecutions, resolveAfterExecutions: c.resolveAfterExecutions, failingAfterFailures: c.failingAfterFailures,
      reminderMinutes: c.reminderMinutes, escalateAfterMinutes: c.escalateAfterMinutes,
    },
    routing: { mailEnabled: c.smtpUrl !== null, smsGatewayDomain: c.smsGatewayDomain, webhooks: c.webhooks.map(({ name, kind, kpis }) => ({ name, kind, kpis })) },
    linkBaseUrl: c.publicUrl ?? linkBaseUrl,
    maxAlertsPerRun: c.maxAlertsPerRun,
  };
}

/** The two pino methods alerting uses. */
export interface AlertLogger {
  info(data: object, msg: string): void;
  error(data: object, msg: string): void;
}

export interface Alerting {
  readonly settings: AlertSettings;
  readonly worker: AlertWorker;
  /** Sends to the HTTP channels: the worker's notifications and the API's test messages. */
  readonly channels: ChannelDelivery;
  /** Stops the worker (waiting for its round) and closes the SMTP connections. */
  close(): Promise<void>;
}

/** Builds the notifier and the worker from the configuration; `start` the worker to run it. */
export function createAlerting(
  c: AlertConfig, deps: Omit<AlertCommandDeps, 'settings'> & { db: Db; secrets: SecretBox; linkBaseUrl: string; logger: AlertLogger; tracer?: Tracer; actionLinks?: LinkSigner },
): Alerting {
  const settings = alertSettingsOf(c, deps.linkBaseUrl);
  const mailer = c.smtpUrl === null ? null : createMailer({ smtpUrl: c.smtpUrl, from: c.mailFrom });
  const channels = createChannelDelivery({
    channels: channelRepo(deps.db), secrets: deps.secrets, configured: c.webhooks, webhookSecret: c.webhookSecret, timeoutMs: c.webhookTimeoutMs, clock: deps.clock,
    mailer, smsGatewayDomain: c.smsGatewayDomain,
  });
  const notifier = createNotifier({
    mailer, channels, ...(deps.actionLinks ? { links: { signer: deps.actionLinks, baseUrl: settings.linkBaseUrl } } : {}),
    log: (n) => deps.logger.info(n, 'notification (log channel: no SMTP_URL configured)'),
  });
  const worker = createAlertWorker({
    ...deps, settings, notifier, staleCheck: createStaleCheck({ ...deps, settings }),
    retry: { retryCount: c.retryCount, baseDelayMs: c.retryBaseSeconds * 1000 },
    intervalMs: c.workerIntervalMs,
    onError: (e) => deps.logger.error({ err: e }, 'alert worker round failed'),
  });
  return {
    settings, worker, channels,
    async close() {
      await worker.stop();
      mailer?.close();
    },
  };
}

import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Notification } from '../../core/alerts/alert-ports.ts';

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://…; `?ignoreTLS=true` etc. are nodemailer's URL options. */
  readonly smtpUrl: string;
  readonly from: string;
  /** Connections kept open to the SMTP server (pooled transport). */
  readonly maxConnections?: number;
}

export interface Mailer {
  /** Mails a notification: an email with subject and body, or an SMS through the gateway (the body only). */
  send(n: Notification): Promise<void>;
  close(): void;
}

/**
 * The Message-ID of a notification's mail: the same on every attempt, so that a copy sent again (the
 * server took it but its 250 was lost) is recognisably the same message. The domain is the sender's.
 */
export function messageIdOf(notificationId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'monitoring-grid.invalid';
  return `<${notificationId}@${domain}>`;
}

/**
 * Email and SMS through SMTP. An SMS is a mail to `<digits>@<gateway>` whose text is the rendered subject
 * trimmed to 160 characters (stored as the notification's body); the gateway ignores the subject line.
 */
export function createMailer(s: MailSettings): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url: s.smtpUrl,
    pool: true,
    maxConnections: s.maxConnections ?? 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as SMTPPool.Options);
  return {
    async send(n) {
      await transport.sendMail({
        from: s.from,
        to: n.recipient,
        subject: n.channel === 'sms' ? undefined : n.subject,
        text: n.body,
        messageId: messageIdOf(n.id, s.from),
        headers: { 'X-MonitoringGrid-Notification': n.id, 'X-MonitoringGrid-Alert': n.alertId },
      });
    },
    close: () => transport.close(),
  };
}

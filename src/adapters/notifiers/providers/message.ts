import type { NotificationPurpose } from '../../../core/alerts/alert-events.ts';
import type { ChannelKind } from '../../../core/channels/channel.ts';
import type { HttpRequest } from '../http-send.ts';

/** A channel with its settings and secrets together, opened for one send. */
export interface ChannelTarget {
  readonly id: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly settings: Readonly<Record<string, string>>;
}

/** The alert as the outbox row carries it (core/alerts/notify.ts#payloadFor). */
export interface AlertData {
  readonly id: string;
  readonly kpiId?: string;
  readonly indicator?: string;
  readonly key?: string | null;
  readonly severity?: string;
  readonly status?: string;
  readonly value?: number | null;
  readonly baseline?: number | null;
  readonly openedAt?: string;
  readonly link?: string;
}

/** What a provider turns into its request: one notification, or a test message (`purpose: 'test'`). */
export interface OutgoingMessage {
  readonly notificationId: string;
  readonly alertId: string;
  readonly purpose: NotificationPurpose | 'test';
  readonly subject: string;
  readonly body: string;
  /** The full payload of the outbox row (what our own webhook receives); null for a test. */
  readonly payload: Record<string, unknown> | null;
  readonly alert: AlertData | null;
}

/** Builds the requests of one message; several when the contract needs them (a test triggers, then resolves). */
export type Provider = (target: ChannelTarget, m: OutgoingMessage, now: Date) => HttpRequest[];

/** The text of a chat message: subject, body and the alert's link when there is one. */
export const chatText = (m: OutgoingMessage, max: number): string => {
  const link = m.alert?.link ? `\n${m.alert.link}` : '';
  const text = `${m.subject}\n${m.body}`;
  return text.length + link.length <= max ? text + link : `${text.slice(0, Math.max(0, max - link.length - 1))}…${link}`;
};

/** The endpoint: the `url` setting when given (a proxy, a test receiver), else the provider's public one. */
export const endpoint = (t: ChannelTarget, publicUrl: string): string => (t.settings.url ?? publicUrl).replace(/\/+$/, '');

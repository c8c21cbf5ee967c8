import type { NotificationPurpose } from './alert-events.ts';

/**
 * Action links (issue 19, item 5): a message carries links to acknowledge, resolve or silence its alert
 * for an hour, without signing in. A link is a capability: its token is the notification id, the action
 * and the expiry, signed with a key derived from the secrets key (adapters/crypto/action-link-key.ts).
 * Nothing of it is stored: the sender derives it again from the outbox row, so a resent message carries
 * the same link, and the store keeps only that a link (notification, action) was used, and when.
 */
export const LINK_ACTIONS = ['acknowledge', 'resolve', 'silence'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** How long a link works after its notification was queued: 24 hours. */
export const ACTION_LINK_TTL_MS = 24 * 3_600_000;
/** How long the silence of a silence link lasts: one hour from its use. */
export const LINK_SILENCE_MINUTES = 60;

/** Signs and checks the text of a token (HMAC in the adapter); `verify` compares in constant time. */
export interface LinkSigner {
  sign(text: string): string;
  verify(text: string, mac: string): boolean;
}

/** The one-letter code of each action inside a token, so that links stay short. */
const CODES: Record<LinkAction, string> = { acknowledge: 'a', resolve: 'r', silence: 's' };
const ACTION_OF = new Map(Object.entries(CODES).map(([action, code]) => [code, action as LinkAction]));

/**
 * The actions a message of this purpose offers: an opening, reminder or escalation all three; an
 * acknowledgement only resolve and silence; a resolution none. A message about several alerts (grouped)
 * offers none, because one link acts on one alert.
 */
export function actionsFor(purpose: NotificationPurpose, grouped: boolean): LinkAction[] {
  if (grouped || purpose === 'resolved') return [];
  return purpose === 'acknowledged' ? ['resolve', 'silence'] : [...LINK_ACTIONS];
}

export interface LinkClaims {
  readonly notificationId: string;
  readonly action: LinkAction;
  readonly expiresAt: Date;
}

const signed = (c: LinkClaims): string => `${c.notificationId}.${CODES[c.action]}.${Math.floor(c.expiresAt.getTime() / 1000).toString(36)}`;

/** `<notificationId>.<a|r|s>.<expiry, unix seconds base 36>.<mac>`: URL-safe, about 70 characters. */
export const tokenOf = (c: LinkClaims, signer: LinkSigner): string => {
  const text = signed(c);
  return `${text}.${signer.sign(`v1.${text}`)}`;
};

/** The claims of a token whose signature holds (expired or not), or null for anything else. */
export function readToken(token: string, signer: LinkSigner): LinkClaims | null {
  const m = /^(ntf_[0-9A-Z]{26})\.([ars])\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{16,64})$/.exec(token);
  if (m === null) return null;
  const [, notificationId, code, expiry, mac] = m as unknown as [string, string, string, string, string];
  if (!signer.verify(`v1.${notificationId}.${code}.${expiry}`, mac)) return null;
  return { notificationId, action: ACTION_OF.get(code)!, expiresAt: new Date(parseInt(expiry, 36) * 1000) };
}

/** A link's expiry: 24 h after its notification was queued (whole seconds, as the token carries it). */
export const expiryOf = (createdAt: Date): Date => new Date(Math.floor((createdAt.getTime() + ACTION_LINK_TTL_MS) / 1000) * 1000);

export interface ActionLink {
  readonly action: LinkAction;
  readonly url: string;
  readonly expiresAt: Date;
}

/** The links of one notification, under `baseUrl` (PUBLIC_URL): `<base>/actions/<token>`. */
export function linksOf(n: { id: string; createdAt: Date; actions: readonly LinkAction[] }, signer: LinkSigner, baseUrl: string): ActionLink[] {
  const expiresAt = expiryOf(n.createdAt);
  const base = baseUrl.replace(/\/+$/, '');
  return n.actions.map((action) => ({ action, expiresAt, url: `${base}/actions/${tokenOf({ notificationId: n.id, action, expiresAt }, signer)}` }));
}

export const ACTION_WORDS: Record<LinkAction, string> = {
  acknowledge: 'Acknowledge', resolve: 'Resolve', silence: `Silence for ${LINK_SILENCE_MINUTES / 60} hour`,
};

/** The paragraph a mail's text ends with: one line per link, and for how long they work. */
export function linksParagraph(links: readonly ActionLink[]): string {
  if (links.length === 0) return '';
  const lines = links.map((l) => `${ACTION_WORDS[l.action]}: ${l.url}`);
  return `\n\n${lines.join('\n')}\n(Each link works once, until ${links[0]!.expiresAt.toISOString()}; it asks you to confirm first.)`;
}

/**
 * The notification as it is sent: a mail's text ends with its links, an HTTP channel's payload carries
 * them as `actions` (and its text too, for the chat providers). SMS carry none (no room), nor does the
 * `log` channel (a log is no place for a capability). Derived at each attempt, so a resend is the same.
 */
export function withActionLinks<N extends { id: string; channel: string; createdAt: Date; body: string; payload: Record<string, unknown> | null; actions: readonly LinkAction[] }>(
  n: N, signer: LinkSigner, baseUrl: string,
): N {
  if (n.actions.length === 0 || n.channel === 'sms' || n.channel === 'log') return n;
  const links = linksOf(n, signer, baseUrl);
  const body = `${n.body}${linksParagraph(links)}`;
  if (n.payload === null) return { ...n, body };
  const actions = links.map((l) => ({ action: l.action, url: l.url, expiresAt: l.expiresAt.toISOString() }));
  return { ...n, body, payload: { ...n.payload, actions } };
}

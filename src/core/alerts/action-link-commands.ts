import { AppError, conflict } from '../errors.ts';
import type { TxPorts } from '../ports.ts';
import { createSilenceIn } from '../silences/silence-commands.ts';
import type { Silence } from '../silences/silence.ts';
import type { Alert } from './alert.ts';
import type { AlertCommandDeps } from './alert-commands.ts';
import { acknowledgeIn, resolveIn } from './alert-commands.ts';
import type { Notification } from './alert-ports.ts';
import { appendToAlert } from './alert-store.ts';
import type { LinkUse } from './action-link-ports.ts';
import { LINK_SILENCE_MINUTES, readToken, type LinkAction, type LinkSigner } from './action-links.ts';

export interface ActionLinkDeps extends AlertCommandDeps {
  readonly signer: LinkSigner;
}

/** What a link is worth now. Only `usable` links and used ones name their alert; nothing else tells a guesser anything. */
export type LinkState =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'expired'; readonly action: LinkAction; readonly expiresAt: Date }
  | { readonly kind: 'used'; readonly action: LinkAction; readonly use: LinkUse }
  | { readonly kind: 'usable'; readonly action: LinkAction; readonly expiresAt: Date; readonly alert: Alert; readonly notification: Notification };

/** Reads a token against the store: signature, expiry, the notification that offered it, an earlier use. */
export async function linkState(deps: Pick<ActionLinkDeps, 'signer' | 'clock'>, tx: TxPorts, token: string): Promise<LinkState> {
  const claims = readToken(token, deps.signer);
  if (claims === null) return { kind: 'invalid' };
  if (deps.clock.now() >= claims.expiresAt) return { kind: 'expired', action: claims.action, expiresAt: claims.expiresAt };
  const notification = await tx.outbox.get(claims.notificationId);
  if (notification === null || !notification.actions.includes(claims.action)) return { kind: 'invalid' };
  const use = await tx.actionLinks.find(claims.notificationId, claims.action);
  if (use !== null) return { kind: 'used', action: claims.action, use };
  const alert = await tx.alerts.get(notification.alertId);
  if (alert === null) return { kind: 'invalid' };
  return { kind: 'usable', action: claims.action, expiresAt: claims.expiresAt, alert, notification };
}

/** Who acted: the address (or channel) the link was sent to, since whoever holds the message holds the link. */
export const linkActor = (n: Pick<Notification, 'recipient'>): string => `link:${n.recipient}`;

export type LinkOutcome =
  | Exclude<LinkState, { kind: 'usable' }>
  | { readonly kind: 'done'; readonly action: LinkAction; readonly alert: Alert; readonly silence: Silence | null };

/** A key pattern that matches exactly this key: the glob has no escape, so `*` and `?` become `?` (one character). */
const exactPattern = (key: string): string | null => (key === '' ? null : key.replace(/[*?]/g, '?'));

async function act(tx: TxPorts, deps: ActionLinkDeps, action: LinkAction, alert: Alert, n: Notification, meta: { actor: string; correlationId: string }): Promise<Silence | null> {
  if (action === 'acknowledge') await acknowledgeIn(tx, deps, alert.id, null, meta);
  if (action === 'resolve') await resolveIn(tx, deps, alert.id, null, meta);
  if (action !== 'silence') return null;
  if (alert.status === 'resolved') throw conflict(`alert ${alert.id} is resolved already`, { status: alert.status });
  return createSilenceIn(tx, { clock: deps.clock, ids: deps.ids, policy: deps.settings.policy }, {
    kpiIds: [alert.kpiId], keyPattern: exactPattern(alert.key), durationMinutes: LINK_SILENCE_MINUTES,
    comment: `Silenced for ${LINK_SILENCE_MINUTES} minutes from the action link sent to ${n.recipient} (alert ${alert.id})`,
  }, meta);
}

/**
 * Uses a link, in ONE transaction: the use is claimed (a second use, on any node, finds it), the action
 * runs as its recipient, and AlertActionLinkUsed names them on the alert's stream. An action the alert's
 * state refuses (acknowledging a resolved alert) rolls everything back, so the link stays usable.
 */
export async function useActionLink(deps: ActionLinkDeps, token: string, correlationId: string): Promise<LinkOutcome> {
  return deps.uow.run(async (tx) => {
    const state = await linkState(deps, tx, token);
    if (state.kind !== 'usable') return state;
    const { action, notification: n } = state;
    const now = deps.clock.now();
    const use: LinkUse = { notificationId: n.id, action, alertId: n.alertId, recipient: n.recipient, usedAt: now };
    if (!(await tx.actionLinks.claim(use))) return { kind: 'used', action, use: (await tx.actionLinks.find(n.id, action)) ?? use };
    const meta = { actor: linkActor(n), correlationId };
    const silence = await act(tx, deps, action, state.alert, n, meta);
    const current = await tx.alerts.lock(n.alertId);
    if (current === null) throw new AppError('not_found', 'the alert of this link does not exist');
    const alert = await appendToAlert(tx, current, [{
      type: 'AlertActionLinkUsed',
      data: { id: n.alertId, action, notificationId: n.id, channel: n.channel, recipient: n.recipient, contactId: n.contactId, silenceId: silence?.id ?? null, at: now.toISOString() },
    }], meta);
    await tx.alerts.update(alert);
    return { kind: 'done', action, alert, silence };
  });
}

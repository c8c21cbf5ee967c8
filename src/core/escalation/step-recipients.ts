import type { Channel, StepRecipient } from '../alerts/alert-events.ts';
import { channelRecipient, contactRecipients, smsAddress, type Recipient, type RoutingSettings } from '../alerts/routing.ts';
import type { NotificationChannel } from '../channels/channel.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Team } from '../routing/team.ts';
import type { EscalationStep, EscalationTarget, TargetKind } from './chain.ts';

/** What a step's targets name, loaded (absent ones were deleted since: they are skipped). */
export interface StepDirectory {
  readonly contacts: readonly Contact[];
  readonly teams: readonly Team[];
  readonly channels: readonly NotificationChannel[];
}

/** A person's addresses of the given kinds; without kinds as a KPI's own contact (email, and SMS at priority 1). */
function people(contacts: readonly Contact[], kinds: readonly TargetKind[] | undefined, priority: 1 | 2, s: RoutingSettings): Recipient[] {
  if (kinds === undefined) return contactRecipients(priority, contacts, s);
  const via = (channel: 'email' | 'sms'): Channel => (s.mailEnabled ? channel : 'log');
  return contacts.filter((c) => c.active).flatMap((c): Recipient[] => [
    ...(kinds.includes('email') && c.email !== null ? [{ kind: 'email' as const, channel: via('email'), address: c.email, contactId: c.id }] : []),
    ...(kinds.includes('sms') && c.phone !== null && s.smsGatewayDomain !== null
      ? [{ kind: 'sms' as const, channel: via('sms'), address: smsAddress(c.phone, s.smsGatewayDomain), contactId: c.id }] : []),
  ]);
}

/** Active channels as recipients; with kinds, only the mail or SMS channels of those kinds. */
const channelsAsRecipients = (channels: readonly NotificationChannel[], kinds: readonly TargetKind[] | undefined, s: RoutingSettings): Recipient[] =>
  channels.filter((c) => c.active && (kinds === undefined || (kinds as readonly string[]).includes(c.kind))).flatMap((c) => channelRecipient(c, s) ?? []);

function ofTarget(t: EscalationTarget, d: StepDirectory, priority: 1 | 2, s: RoutingSettings): Recipient[] {
  if (t.type === 'contact') return people(d.contacts.filter((c) => c.id === t.id), t.kinds, priority, s);
  if (t.type === 'channel') return channelsAsRecipients(d.channels.filter((c) => c.id === t.id), undefined, s);
  const team = d.teams.find((x) => x.id === t.id);
  if (team === undefined) return [];
  const members = team.members.flatMap((id) => d.contacts.filter((c) => c.id === id));
  return [...people(members, t.kinds, priority, s), ...channelsAsRecipients(d.channels.filter((c) => team.channels.includes(c.id)), t.kinds, s)];
}

/**
 * Who one step notifies: each target's addresses, each address once (the first target that named it is
 * its `via`). A channel named by a step receives it whatever it serves otherwise: the chain chose it.
 */
export function stepRecipients(step: EscalationStep, d: StepDirectory, priority: 1 | 2, s: RoutingSettings): StepRecipient[] {
  const out = new Map<string, StepRecipient>();
  for (const t of step.targets) {
    for (const r of ofTarget(t, d, priority, s)) {
      const key = `${r.channel}\0${r.address}`;
      if (!out.has(key)) out.set(key, { ...r, via: `${t.type}:${t.id}` });
    }
  }
  return [...out.values()];
}

/** The ids a step names, by kind, for loading its directory (team members included). */
export function idsOfStep(step: EscalationStep): { contactIds: string[]; teamIds: string[]; channelIds: string[] } {
  const of = (type: EscalationTarget['type']) => [...new Set(step.targets.filter((t) => t.type === type).map((t) => t.id))];
  return { contactIds: of('contact'), teamIds: of('team'), channelIds: of('channel') };
}

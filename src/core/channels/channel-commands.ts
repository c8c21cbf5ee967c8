import { conflict, invalid } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import {
  channelFromInput, diffChannel, mergeSettings, splitSettings, validateChannel, type ChannelFields, type ChannelInput, type NotificationChannel,
} from './channel.ts';

const loadChannel = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<NotificationChannel> =>
  loadForChange((x) => tx.channels.get(x), 'channel', id, expectedVersion);

async function checkNameFree(tx: TxPorts, name: string, selfId?: string): Promise<void> {
  const other = await tx.channels.findByName(name);
  if (other !== null && other.id !== selfId) throw conflict(`a channel named ${name} exists already`, { id: other.id });
}

/** The secrets sealed as one JSON object (null when none is set), and their names. */
function sealSecrets(deps: CommandDeps, secrets: Readonly<Record<string, string>>): { sealedSecrets: string | null; secretNames: string[] } {
  const secretNames = Object.keys(secrets).sort();
  return { sealedSecrets: secretNames.length === 0 ? null : deps.secrets.seal(JSON.stringify(secrets)), secretNames };
}

/** The stored secrets, opened: a command merges a patch into them (never returned, never in an event). */
const openSecrets = (deps: CommandDeps, c: NotificationChannel): Record<string, string> =>
  c.sealedSecrets === null ? {} : (JSON.parse(deps.secrets.open(c.sealedSecrets)) as Record<string, string>);

export async function createChannel(deps: CommandDeps, input: ChannelInput, meta: EventMeta): Promise<NotificationChannel> {
  const now = deps.clock.now();
  const base = channelFromInput(input);
  const all = mergeSettings({}, input.settings);
  const errors = validateChannel(base, all);
  if (errors.length > 0) throw invalid(errors);
  const { settings, secrets } = splitSettings(base.kind, all);
  const fields: ChannelFields = { ...base, settings };
  const sealed = sealSecrets(deps, secrets);
  return deps.uow.run(async (tx) => {
    await checkNameFree(tx, fields.name);
    const channel: NotificationChannel = { ...fields, ...sealed, id: deps.ids.next('channel'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.channel(channel.id), 'no_stream', [{ type: 'ChannelCreated', data: { id: channel.id, channel: fields, ...sealed } }], meta);
    await tx.channels.insert(channel);
    return channel;
  });
}

/**
 * Changes a channel; its kind stays. `settings` is merged: a given value replaces, null removes an
 * optional setting, a secret left out is kept. Changed secrets show in the event's changes by name only.
 */
export async function updateChannel(deps: CommandDeps, id: string, patch: ChannelInput, expectedVersion: number | undefined, meta: EventMeta): Promise<NotificationChannel> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadChannel(tx, id, expectedVersion);
    if (patch.kind !== undefined && patch.kind !== current.kind) throw invalid([{ path: '/kind', message: 'a channel keeps its kind; create a new channel instead' }]);
    const base = channelFromInput(patch, current);
    const all = mergeSettings({ ...current.settings, ...openSecrets(deps, current) }, patch.settings);
    const errors = validateChannel(base, all);
    if (errors.length > 0) throw invalid(errors);
    const { settings, secrets } = splitSettings(current.kind, all);
    const next: ChannelFields = { ...base, settings };
    const changes = diffChannel(current, next);
    const secretsTouched = Object.keys(patch.settings ?? {}).filter((k) => !(k in settings) && (k in secrets || current.secretNames.includes(k)));
    const sealed = secretsTouched.length > 0 ? sealSecrets(deps, secrets) : { sealedSecrets: current.sealedSecrets, secretNames: [...current.secretNames] };
    if (secretsTouched.length > 0) changes.secrets = { from: current.secretNames, to: sealed.secretNames };
    if (!hasChanges(changes)) return current;
    const data = secretsTouched.length > 0 ? { id, changes, ...sealed } : { id, changes };
    const version = await tx.events.append(streamIds.channel(id), current.version, [{ type: 'ChannelUpdated', data }], meta);
    const updated: NotificationChannel = { ...current, ...next, ...sealed, version, updatedAt: now };
    await tx.channels.update(updated);
    return updated;
  });
}

export async function deleteChannel(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadChannel(tx, id, expectedVersion);
    const chains = await tx.escalationChains.referencing({ type: 'channel', id });
    if (chains.length > 0) throw conflict(`channel ${id} is named by escalation chains ${chains.join(', ')}; remove it from them first`, { escalationChainIds: chains });
    const { name, kind, settings, kpis, owners, active } = current;
    await tx.events.append(streamIds.channel(id), current.version, [{ type: 'ChannelDeleted', data: { id, channel: { name, kind, settings, kpis, owners, active } } }], meta);
    await tx.channels.remove(id);
  });
}

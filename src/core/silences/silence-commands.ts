import { invalid } from '../errors.ts';
import { streamIds } from '../events.ts';
import { silenceLoader, reconsiderSilence } from '../alerts/silencing.ts';
import { withTimer } from '../alerts/alert-store.ts';
import { policyFor, type AlertPolicy } from '../alerts/judgement.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { conflict } from '../errors.ts';
import { diffSilence, inForce, silenceFromInput, silenceMatches, type Silence, type SilenceFields, type SilenceInput } from './silence.ts';
import { silenceTarget } from '../alerts/silencing.ts';

export interface SilenceDeps extends CommandDeps {
  readonly policy: AlertPolicy;
}

function fieldsOrThrow(r: ReturnType<typeof silenceFromInput>): SilenceFields {
  if (Array.isArray(r)) throw invalid(r);
  return r;
}

/**
 * Silences the open alerts a silence in force matches, at once (in the caller's transaction), so the
 * alert list shows them silenced. Locked in id order. The alerts it held and no longer matches are
 * woken instead: the timer worker looks at them again and notifies what was held back.
 */
async function applyToAlerts(tx: TxPorts, deps: Omit<SilenceDeps, 'uow' | 'secrets'>, silence: Silence, meta: EventMeta): Promise<void> {
  const now = deps.clock.now();
  await tx.alerts.wakeSilenced(silence.id, now);
  if (!inForce(silence, now)) return;
  const kpis = new Map<string, Kpi | null>();
  const kpiOf = async (id: string) => {
    if (!kpis.has(id)) kpis.set(id, await tx.kpis.get(id));
    return kpis.get(id)!;
  };
  const candidates = (await tx.alerts.listActive()).filter((a) => a.silenceId === null).sort((a, b) => (a.id < b.id ? -1 : 1));
  const silences = silenceLoader(tx, now);
  for (const candidate of candidates) {
    const kpi = await kpiOf(candidate.kpiId);
    if (kpi === null || !silenceMatches(silence, silenceTarget(candidate, kpi))) continue;
    const current = await tx.alerts.lock(candidate.id);
    if (current === null || current.status === 'resolved' || current.silenceId !== null) continue;
    const alert = await reconsiderSilence(tx, current, kpi, await silences(), now, meta);
    await tx.alerts.update(withTimer(alert, policyFor(deps.policy, kpi), kpi.cooldownMinutes));
  }
}

/** A new silence; `meta.actor` is who made it (kept as createdBy). */
export async function createSilence(deps: SilenceDeps, input: SilenceInput, meta: EventMeta): Promise<Silence> {
  const now = deps.clock.now();
  const fields = fieldsOrThrow(silenceFromInput(input, now, meta.actor));
  return deps.uow.run((tx) => insertSilence(tx, deps, fields, meta));
}

/** A new silence inside the caller's transaction (an action link records its use in the same one). */
export async function createSilenceIn(tx: TxPorts, deps: Omit<SilenceDeps, 'uow' | 'secrets'>, input: SilenceInput, meta: EventMeta): Promise<Silence> {
  return insertSilence(tx, deps, fieldsOrThrow(silenceFromInput(input, deps.clock.now(), meta.actor)), meta);
}

async function insertSilence(tx: TxPorts, deps: Omit<SilenceDeps, 'uow' | 'secrets'>, fields: SilenceFields, meta: EventMeta): Promise<Silence> {
  const now = deps.clock.now();
  const silence: Silence = { ...fields, id: deps.ids.next('silence'), version: 1, createdAt: now, updatedAt: now };
  await tx.events.append(streamIds.silence(silence.id), 'no_stream', [{ type: 'SilenceCreated', data: { id: silence.id, silence: fields } }], meta);
  await tx.silences.insert(silence);
  await applyToAlerts(tx, deps, silence, meta);
  return silence;
}

const loadActive = async (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<Silence> => {
  const current = await loadForChange((x) => tx.silences.lock(x), 'silence', id, expectedVersion);
  if (current.state !== 'active') throw conflict(`silence ${id} is ${current.state} already`, { state: current.state });
  return current;
};

/** Changes a silence that is still active: its scope, its times, its comment. */
export async function updateSilence(deps: SilenceDeps, id: string, patch: SilenceInput, expectedVersion: number | undefined, meta: EventMeta): Promise<Silence> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadActive(tx, id, expectedVersion);
    const next = fieldsOrThrow(silenceFromInput(patch, now, meta.actor, current));
    const changes = diffSilence(current, next);
    if (!hasChanges(changes)) return current;
    const version = await tx.events.append(streamIds.silence(id), current.version, [{ type: 'SilenceUpdated', data: { id, changes } }], meta);
    const updated: Silence = { ...current, ...next, version, updatedAt: now };
    await tx.silences.update(updated);
    await applyToAlerts(tx, deps, updated, meta);
    return updated;
  });
}

/** Ends a silence now (`by` = meta.actor); its alerts that still fire are notified by the timer worker. */
export async function endSilence(deps: SilenceDeps, id: string, note: string | null, meta: EventMeta): Promise<Silence> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadActive(tx, id, undefined);
    const next: SilenceFields = { ...current, state: 'ended', endsAt: new Date(current.endsAt) > now ? now.toISOString() : current.endsAt };
    const changes = diffSilence(current, next);
    const version = await tx.events.append(streamIds.silence(id), current.version, [{ type: 'SilenceEnded', data: { id, changes, by: meta.actor, note } }], meta);
    const ended: Silence = { ...current, ...next, version, updatedAt: now };
    await tx.silences.update(ended);
    await tx.alerts.wakeSilenced(id, now);
    return ended;
  });
}

/**
 * For the timer worker: records SilenceExpired for the silences whose end has come. Their alerts need
 * nothing from here: each one's timer is its silence's end. Returns how many expired.
 */
export async function expireSilences(deps: Pick<CommandDeps, 'uow' | 'clock'>, meta: EventMeta, limit = 100): Promise<number> {
  return deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const ids = await tx.silences.claimExpired(now, limit);
    for (const id of ids) {
      const current = await tx.silences.lock(id);
      if (current === null || current.state !== 'active') continue;
      const changes = diffSilence(current, { ...current, state: 'expired' });
      const version = await tx.events.append(streamIds.silence(id), current.version, [{ type: 'SilenceExpired', data: { id, changes } }], meta);
      await tx.silences.update({ ...current, state: 'expired', version, updatedAt: now });
    }
    return ids.length;
  });
}

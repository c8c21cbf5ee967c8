import { conflict, invalid, type FieldError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { chainFromInput, diffChain, targetsOf, type EscalationChain, type EscalationChainFields, type EscalationChainInput, type TargetType } from './chain.ts';

const fieldsOrThrow = (r: ReturnType<typeof chainFromInput>): EscalationChainFields => {
  if (Array.isArray(r)) throw invalid(r);
  return r;
};
const load = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<EscalationChain> =>
  loadForChange((x) => tx.escalationChains.lock(x), 'escalation chain', id, expectedVersion);
const fieldsOf = (c: EscalationChain): EscalationChainFields => ({ name: c.name, steps: c.steps });

async function checkNameFree(tx: TxPorts, name: string, selfId?: string): Promise<void> {
  const other = await tx.escalationChains.findByName(name);
  if (other !== null && other.id !== selfId) throw conflict(`an escalation chain named ${name} exists already`, { id: other.id });
}

/** The ids of each target type that exist in the store. */
async function existing(tx: TxPorts, type: TargetType, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (type === 'contact') return new Set((await tx.contacts.getMany(ids)).map((c) => c.id));
  if (type === 'team') return new Set((await tx.teams.getMany(ids)).map((t) => t.id));
  return new Set((await tx.channels.all()).map((c) => c.id));
}

/** Every target names a team, contact or channel that exists: an unknown one is a validation error at its path. */
async function checkTargets(tx: TxPorts, f: EscalationChainFields): Promise<void> {
  const all = targetsOf(f.steps);
  const errors: FieldError[] = [];
  for (const type of ['team', 'contact', 'channel'] as const) {
    const ofType = all.filter((t) => t.target.type === type);
    const found = await existing(tx, type, [...new Set(ofType.map((t) => t.target.id))]);
    for (const t of ofType) if (!found.has(t.target.id)) errors.push({ path: t.path, message: `${type} ${t.target.id} does not exist` });
  }
  if (errors.length > 0) throw invalid(errors.sort((a, b) => a.path.localeCompare(b.path)));
}

export async function createEscalationChain(deps: CommandDeps, input: EscalationChainInput, meta: EventMeta): Promise<EscalationChain> {
  const now = deps.clock.now();
  const fields = fieldsOrThrow(chainFromInput(input));
  return deps.uow.run(async (tx) => {
    await checkTargets(tx, fields);
    await checkNameFree(tx, fields.name);
    const chain: EscalationChain = { ...fields, id: deps.ids.next('escalationChain'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.escalationChain(chain.id), 'no_stream', [{ type: 'EscalationChainCreated', data: { id: chain.id, escalationChain: fields } }], meta);
    await tx.escalationChains.insert(chain);
    return chain;
  });
}

/** Changes a chain; alerts already escalating keep the steps they started with (copied when they opened). */
export async function updateEscalationChain(
  deps: CommandDeps, id: string, patch: EscalationChainInput, expectedVersion: number | undefined, meta: EventMeta,
): Promise<EscalationChain> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await load(tx, id, expectedVersion);
    const next = fieldsOrThrow(chainFromInput(patch, current));
    const changes = diffChain(current, next);
    if (!hasChanges(changes)) return current;
    await checkTargets(tx, next);
    await checkNameFree(tx, next.name, id);
    const version = await tx.events.append(streamIds.escalationChain(id), current.version, [{ type: 'EscalationChainUpdated', data: { id, changes } }], meta);
    const updated: EscalationChain = { ...current, ...next, version, updatedAt: now };
    await tx.escalationChains.update(updated);
    return updated;
  });
}

/** Refused (409) while a route or the default route names the chain: alerts routed there would lose their escalation. */
export async function deleteEscalationChain(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await load(tx, id, expectedVersion);
    const routes = (await tx.routes.all()).filter((r) => r.escalationChainId === id).map((r) => r.id);
    if ((await tx.routes.getDefault()).escalationChainId === id) routes.push('default');
    if (routes.length > 0) throw conflict(`escalation chain ${id} is used by route${routes.length > 1 ? 's' : ''} ${routes.join(', ')}`, { routes });
    await tx.events.append(streamIds.escalationChain(id), current.version, [{ type: 'EscalationChainDeleted', data: { id, escalationChain: fieldsOf(current) } }], meta);
    await tx.escalationChains.remove(id);
  });
}

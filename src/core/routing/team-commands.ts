import { conflict, invalid, type FieldError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { diffTeam, teamFromInput, type Team, type TeamFields, type TeamInput } from './team.ts';

const loadTeam = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<Team> =>
  loadForChange((x) => tx.teams.get(x), 'team', id, expectedVersion);

/** Ids under `path` that name no stored channel: a route or team may only name channels that exist. */
export async function unknownChannels(tx: TxPorts, ids: readonly string[], path: string): Promise<FieldError[]> {
  if (ids.length === 0) return [];
  const known = new Set((await tx.channels.all()).map((c) => c.id));
  return ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `${path}/${i}`, message: `channel ${id} does not exist` }]));
}

async function checkTeam(tx: TxPorts, t: TeamFields, selfId?: string): Promise<void> {
  const errors: FieldError[] = [];
  if (t.name.length === 0) errors.push({ path: '/name', message: 'must not be empty' });
  const found = new Set((await tx.contacts.getMany(t.members)).map((c) => c.id));
  t.members.forEach((id, i) => { if (!found.has(id)) errors.push({ path: `/members/${i}`, message: `contact ${id} does not exist` }); });
  errors.push(...(await unknownChannels(tx, t.channels, '/channels')));
  if (errors.length > 0) throw invalid(errors);
  const other = await tx.teams.findByName(t.name);
  if (other !== null && other.id !== selfId) throw conflict(`a team named ${t.name} exists already`, { id: other.id });
}

export async function createTeam(deps: CommandDeps, input: TeamInput, meta: EventMeta): Promise<Team> {
  const now = deps.clock.now();
  const fields = teamFromInput(input);
  return deps.uow.run(async (tx) => {
    await checkTeam(tx, fields);
    const team: Team = { ...fields, id: deps.ids.next('team'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.team(team.id), 'no_stream', [{ type: 'TeamCreated', data: { id: team.id, team: fields } }], meta);
    await tx.teams.insert(team);
    return team;
  });
}

export async function updateTeam(deps: CommandDeps, id: string, patch: TeamInput, expectedVersion: number | undefined, meta: EventMeta): Promise<Team> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadTeam(tx, id, expectedVersion);
    const next = teamFromInput(patch, current);
    const changes = diffTeam(current, next);
    if (!hasChanges(changes)) return current;
    await checkTeam(tx, next, id);
    const version = await tx.events.append(streamIds.team(id), current.version, [{ type: 'TeamChanged', data: { id, changes } }], meta);
    const updated: Team = { ...current, ...next, version, updatedAt: now };
    await tx.teams.update(updated);
    return updated;
  });
}

/** A team that a route or an escalation chain names cannot be deleted: the conflict names them. */
export async function deleteTeam(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadTeam(tx, id, expectedVersion);
    const routes = await tx.routes.referencing({ teamId: id });
    if (routes.length > 0) throw conflict(`team ${id} is named by routes ${routes.join(', ')}; remove it from them first`, { routeIds: routes });
    const chains = await tx.escalationChains.referencing({ type: 'team', id });
    if (chains.length > 0) throw conflict(`team ${id} is named by escalation chains ${chains.join(', ')}; remove it from them first`, { escalationChainIds: chains });
    const { name, description, members, channels } = current;
    await tx.events.append(streamIds.team(id), current.version, [{ type: 'TeamDeleted', data: { id, team: { name, description, members, channels } } }], meta);
    await tx.teams.remove(id);
  });
}

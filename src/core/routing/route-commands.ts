import { checkLabels } from '../kpis/labels.ts';
import { invalid, type FieldError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { FieldErrors } from '../shared/validation.ts';
import { loadForChange } from '../shared/versioned.ts';
import {
  diffDefaultRoute, diffRoute, POSITION_STEP, type DefaultRoute, type RouteFields, type RouteMatch, type RouteRule, type RouteTargets,
} from './route.ts';
import { DEFAULT_ROUTE_ID } from './routing-events.ts';
import { unknownChannels } from './team-commands.ts';

export type RouteInput = { readonly [K in keyof RouteFields]?: RouteFields[K] | undefined };
export type DefaultRouteInput = Omit<RouteTargets, 'escalationChainId'> & { readonly escalationChainId?: string | null | undefined };

const loadRoute = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<RouteRule> =>
  loadForChange((x) => tx.routes.get(x), 'route', id, expectedVersion);

const ids = (v: readonly string[]): string[] => [...new Set(v)];

/** Only the matchers given, with their lists deduplicated: `{}` matches every alert. */
function cleanMatch(m: RouteMatch): RouteMatch {
  return {
    ...(m.owners !== undefined ? { owners: ids(m.owners.map((o) => o.trim())) } : {}),
    ...(m.priorities !== undefined ? { priorities: [...new Set(m.priorities)] } : {}),
    ...(m.severities !== undefined ? { severities: [...new Set(m.severities)] } : {}),
    ...(m.labels !== undefined ? { labels: m.labels } : {}),
  };
}

/**
 * The chain a route names must exist. It is locked, as deleting a chain locks it before it looks for the
 * routes that name it: a route and the chain's deletion cannot both commit.
 */
async function checkChain(tx: TxPorts, id: string | null, errors: FieldErrors, path: string): Promise<void> {
  if (id !== null) errors.check((await tx.escalationChains.lock(id)) !== null, path, `escalation chain ${id} does not exist`);
}

/** Everything a route or the default route names must exist (teams, channels, the chain). */
async function checkTargets(tx: TxPorts, t: RouteTargets, errors: FieldErrors): Promise<FieldError[]> {
  await checkChain(tx, t.escalationChainId, errors, '/escalationChainId');
  const found = new Set((await tx.teams.getMany(t.teams)).map((x) => x.id));
  t.teams.forEach((id, i) => errors.check(found.has(id), `/teams/${i}`, `team ${id} does not exist`));
  return [...errors.list, ...(await unknownChannels(tx, t.channels, '/channels'))];
}

async function checkRoute(tx: TxPorts, r: RouteFields): Promise<void> {
  const errors = new FieldErrors();
  errors.check(r.name.length > 0, '/name', 'must not be empty');
  for (const key of ['owners', 'priorities', 'severities'] as const) {
    errors.check(r.match[key] === undefined || r.match[key].length > 0, `/match/${key}`, 'leave the matcher out to match every alert; an empty list would match none');
  }
  if (r.match.labels !== undefined) checkLabels(r.match.labels, errors, '/match/labels');
  const all = await checkTargets(tx, r, errors);
  if (all.length > 0) throw invalid(all);
}

function routeFromInput(input: RouteInput, base: RouteFields): RouteFields {
  const pick = <K extends keyof RouteFields>(k: K): RouteFields[K] => (input[k] !== undefined ? input[k] : base[k]) as RouteFields[K];
  return {
    name: pick('name').trim(), position: pick('position'), match: cleanMatch(pick('match')), teams: ids(pick('teams')), channels: ids(pick('channels')),
    escalationChainId: pick('escalationChainId'), continue: pick('continue'),
  };
}

/** A new rule goes after the last one (`POSITION_STEP` further on) unless it says where. */
export async function createRoute(deps: CommandDeps, input: RouteInput, meta: EventMeta): Promise<RouteRule> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const last = await tx.routes.lastPosition();
    const base: RouteFields = { name: '', position: last === null ? POSITION_STEP : last + POSITION_STEP, match: {}, teams: [], channels: [], escalationChainId: null, continue: false };
    const fields = routeFromInput(input, base);
    await checkRoute(tx, fields);
    const route: RouteRule = { ...fields, id: deps.ids.next('route'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.route(route.id), 'no_stream', [{ type: 'RouteCreated', data: { id: route.id, route: fields } }], meta);
    await tx.routes.insert(route);
    return route;
  });
}

export async function updateRoute(deps: CommandDeps, id: string, patch: RouteInput, expectedVersion: number | undefined, meta: EventMeta): Promise<RouteRule> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadRoute(tx, id, expectedVersion);
    const next = routeFromInput(patch, current);
    const changes = diffRoute(current, next);
    if (!hasChanges(changes)) return current;
    await checkRoute(tx, next);
    const version = await tx.events.append(streamIds.route(id), current.version, [{ type: 'RouteChanged', data: { id, changes } }], meta);
    const updated: RouteRule = { ...current, ...next, version, updatedAt: now };
    await tx.routes.update(updated);
    return updated;
  });
}

export async function deleteRoute(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadRoute(tx, id, expectedVersion);
    const { name, position, match, teams, channels, escalationChainId } = current;
    const route: RouteFields = { name, position, match, teams, channels, escalationChainId, continue: current.continue };
    await tx.events.append(streamIds.route(id), current.version, [{ type: 'RouteDeleted', data: { id, route } }], meta);
    await tx.routes.remove(id);
  });
}

/** Replaces the default route (the first time creates its stream). A chain left out is none. */
export async function setDefaultRoute(deps: CommandDeps, input: DefaultRouteInput, expectedVersion: number | undefined, meta: EventMeta): Promise<DefaultRoute> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await tx.routes.getDefault();
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      await loadForChange(async () => current, 'default route', DEFAULT_ROUTE_ID, expectedVersion);
    }
    const next: RouteTargets = { teams: ids(input.teams), channels: ids(input.channels), escalationChainId: input.escalationChainId ?? null };
    const errors = await checkTargets(tx, next, new FieldErrors());
    if (errors.length > 0) throw invalid(errors);
    const changes = diffDefaultRoute(current, next);
    if (current.version > 0 && !hasChanges(changes)) return current;
    const stream = streamIds.defaultRoute();
    const version = current.version === 0
      ? await tx.events.append(stream, 'no_stream', [{ type: 'DefaultRouteCreated', data: { id: DEFAULT_ROUTE_ID, defaultRoute: next } }], meta)
      : await tx.events.append(stream, current.version, [{ type: 'DefaultRouteChanged', data: { id: DEFAULT_ROUTE_ID, changes } }], meta);
    const saved = { ...next, version, updatedAt: now };
    await tx.routes.saveDefault(saved);
    return saved;
  });
}

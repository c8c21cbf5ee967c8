import { SEVERITIES, type AlertRoute, type RouteMatch, type Severity } from './admin-types.ts';
import { labelRowsOf, labelsOf, labelsText, type LabelRow } from './labels.ts';

/** The route editor's state; an empty matcher (no owners typed, no box ticked) matches every alert. */
export interface RouteForm {
  name: string;
  owners: string;
  priorities: (1 | 2)[];
  severities: Severity[];
  labels: LabelRow[];
  teams: string[];
  channels: string[];
  /** '' = no escalation chain. */
  escalationChainId: string;
  continue: boolean;
}

export const blankRoute = (): RouteForm => ({
  name: '', owners: '', priorities: [], severities: [], labels: [], teams: [], channels: [], escalationChainId: '', continue: false,
});

export const routeFormOf = (r: AlertRoute): RouteForm => ({
  name: r.name, owners: (r.match.owners ?? []).join(', '), priorities: [...(r.match.priorities ?? [])], severities: [...(r.match.severities ?? [])],
  labels: labelRowsOf(r.match.labels), teams: [...r.teams], channels: [...r.channels], escalationChainId: r.escalationChainId ?? '', continue: r.continue,
});

/** The match object: only the matchers the user set, so an edit that clears one makes it match all again. */
export function matchOf(f: RouteForm): RouteMatch {
  const owners = f.owners.split(',').map((s) => s.trim()).filter(Boolean);
  const labels = labelsOf(f.labels);
  return {
    ...(owners.length ? { owners } : {}),
    ...(f.priorities.length ? { priorities: [...f.priorities].sort() } : {}),
    ...(f.severities.length ? { severities: SEVERITIES.filter((s) => f.severities.includes(s)) } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
  };
}

/** The body of POST /routes and PATCH /routes/{id}; a new route goes after the last (position left out). */
export const routeBodyOf = (f: RouteForm) => ({
  name: f.name.trim(), match: matchOf(f), teams: f.teams, channels: f.channels, escalationChainId: f.escalationChainId || null, continue: f.continue,
});

/** What a route matches, in words: `owner payments · priority 1 · severity high or critical · labels tier=gold`. */
export function matchText(m: RouteMatch): string {
  const parts = [
    m.owners?.length && `owner ${m.owners.join(' or ')}`,
    m.priorities?.length && `priority ${m.priorities.join(' or ')}`,
    m.severities?.length && `severity ${m.severities.join(' or ')}`,
    m.labels && Object.keys(m.labels).length && `labels ${labelsText(m.labels)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'every alert';
}

/** The gap the API leaves between appended routes (its POSITION_STEP). */
const STEP = 10;

/** One PATCH /routes/{id} `{ position }` of a move. */
export interface PositionChange {
  readonly id: string;
  readonly version: number;
  readonly position: number;
}

/**
 * The changes that move `routes[index]` one place up (-1) or down (+1). Routes are tried by position,
 * equal positions by id, so the moved route needs a position strictly between its new neighbours': one
 * change when there is room (the API leaves gaps; none below 0), else every route renumbered 10, 20, … in the new order.
 * `routes` is the list as GET /routes orders it; an impossible move gives no changes.
 */
export function moveChanges(routes: readonly Pick<AlertRoute, 'id' | 'version' | 'position'>[], index: number, by: -1 | 1): PositionChange[] {
  const target = index + by;
  const moved = routes[index];
  if (!moved || target < 0 || target >= routes.length) return [];
  const order = routes.filter((_, i) => i !== index);
  order.splice(target, 0, moved);
  const before = order[target - 1]?.position;
  const after = order[target + 1]?.position;
  const low = before ?? -1; // positions stay at 0 or above
  const high = after ?? (before ?? 0) + 2 * STEP;
  const middle = Math.floor((low + high) / 2);
  if (middle > low && middle < high) return [{ id: moved.id, version: moved.version, position: middle }];
  return order.flatMap((r, i) => (r.position === (i + 1) * STEP ? [] : [{ id: r.id, version: r.version, position: (i + 1) * STEP }]));
}

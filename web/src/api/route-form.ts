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

import { Type } from 'typebox';
import { SEVERITIES } from '../../../core/alerts/severity.ts';
import { CHANNEL_KINDS } from '../../../core/channels/channel.ts';
import type { RouteMatch } from '../../../core/routing/route.ts';
import { DateTime, literals, Nullable } from './common.ts';
import { Labels } from './kpi.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Ids = (what: string) => Type.Array(Id, { maxItems: 200, description: `${what} ids` });
/** Ids as the views show them (the core's lists are read-only). */
const IdList = Type.Unsafe<readonly string[]>(Type.Array(Type.String()));
const ChainId = Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'An escalation chain id (esc_…); null = none' }));


const teamFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  members: Ids('Contact'),
  channels: Ids('Channel'),
};

export const TeamCreateBody = Type.Object(teamFields, { additionalProperties: false });
export const TeamPatchBody = Type.Object({
  name: Type.Optional(teamFields.name), description: teamFields.description, members: Type.Optional(teamFields.members), channels: Type.Optional(teamFields.channels),
}, { additionalProperties: false });
export const TeamView = Type.Object({
  id: Type.String(), name: Type.String(), description: Nullable(Type.String()), members: IdList, channels: IdList,
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});

const Match = Type.Object({
  owners: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 200 })),
  priorities: Type.Optional(Type.Array(Type.Union([Type.Literal(1), Type.Literal(2)]), { minItems: 1, maxItems: 2 })),
  severities: Type.Optional(Type.Array(literals(SEVERITIES), { minItems: 1, maxItems: 4 })),
  labels: Type.Optional(Labels),
}, { additionalProperties: false, description: 'Every given matcher must match; an absent one matches every alert' });

const routeFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  position: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Rules are tried by ascending position (ties by creation); default: 10 after the last' }),
  match: Match,
  teams: Ids('Team'),
  channels: Ids('Channel'),
  escalationChainId: ChainId,
  continue: Type.Boolean({ description: 'true = after this rule matched, try the next ones too (default false)' }),
};

export const RouteCreateBody = Type.Object({
  name: routeFields.name, position: Type.Optional(routeFields.position), match: routeFields.match, teams: routeFields.teams, channels: routeFields.channels,
  escalationChainId: Type.Optional(routeFields.escalationChainId), continue: Type.Optional(routeFields.continue),
}, { additionalProperties: false });
export const RoutePatchBody = Type.Object(Object.fromEntries(Object.entries(routeFields).map(([k, v]) => [k, Type.Optional(v)])) as {
  [K in keyof typeof routeFields]: ReturnType<typeof Type.Optional<(typeof routeFields)[K]>>;
}, { additionalProperties: false });
export const RouteView = Type.Object({
  id: Type.String(), ...routeFields, match: Type.Unsafe<RouteMatch>(Match), teams: IdList, channels: IdList, escalationChainId: Nullable(Type.String()), version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});

export const DefaultRouteBody = Type.Object({ teams: routeFields.teams, channels: routeFields.channels, escalationChainId: Type.Optional(ChainId) }, { additionalProperties: false });
export const DefaultRouteView = Type.Object({
  teams: IdList, channels: IdList, escalationChainId: Nullable(Type.String()),
  version: Type.Integer({ description: '0 = never set' }), updatedAt: Nullable(DateTime),
});

export const RouteTestBody = Type.Object({
  kpiId: Id,
  severity: Type.Optional(literals(SEVERITIES)),
}, { additionalProperties: false });

const Named = Type.Object({ id: Type.String(), name: Type.String() });
export const RouteTestView = Type.Object({
  matched: Type.Array(Named, { description: 'The rules that matched, in the order they were tried' }),
  usedDefault: Type.Boolean(),
  teams: Type.Array(Named),
  escalationChain: Nullable(Named),
  severity: literals(SEVERITIES),
  recipients: Type.Array(Type.Object({
    kind: literals(CHANNEL_KINDS), channel: Type.String(), address: Type.String(), contactId: Nullable(Type.String()),
    via: Type.String({ description: "Why: 'kpi' (its contact), 'channel' (serves the KPI), 'team:<id>' or 'route:<id>' ('route:default')" }),
  })),
});

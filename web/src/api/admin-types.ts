// The API's shapes for the alert, admin, audit and system pages: named views of generated.ts (written
// from the service's OpenAPI document by `npm run api:types`; see /api/docs).
import type { ApiResponse } from './generated.ts';

type Item<T> = T extends { items: (infer I)[] } ? I : never;

/** GET /channels: where alerts go besides the contacts. Secrets are never returned, only whether they are set. */
export type ChannelConfig = ApiResponse<'/api/v1/channels/{id}', 'get'>;
export type ChannelKind = ChannelConfig['kind'];
/** The kinds a channel may have, in the order the form offers them; the compiler checks it names each one. */
export const CHANNEL_KINDS = ['email', 'sms', 'webhook', 'slack', 'msteams', 'pagerduty', 'opsgenie', 'telegram', 'discord'] as const satisfies readonly ChannelKind[];
type Missing = Exclude<ChannelKind, (typeof CHANNEL_KINDS)[number]>;
true satisfies [Missing] extends [never] ? true : Missing; // a kind the API has and the list lacks fails here

/** POST /channels/{id}/test. */
export type ChannelTest = ApiResponse<'/api/v1/channels/{id}/test', 'post'>;

/** One message to one recipient on one channel (GET /notifications, and inside an alert's detail). */
export type Notification = Item<ApiResponse<'/api/v1/notifications', 'get'>>;
export type Channel = Notification['channel'];

/** GET /alerts/{id}: everything known about one alert. */
export type AlertDetail = ApiResponse<'/api/v1/alerts/{id}', 'get'>;

export type Contact = ApiResponse<'/api/v1/contacts/{id}', 'get'>;
export type DataSource = ApiResponse<'/api/v1/datasources/{id}', 'get'>;
export type SourceKind = DataSource['kind'];
/** POST /datasources/{id}/test */
export type SourceTest = ApiResponse<'/api/v1/datasources/{id}/test', 'post'>;

export type ApiKey = ApiResponse<'/api/v1/apikey/{id}', 'get'>;
/** POST /apikey: the key itself is in this answer only. */
export type CreatedApiKey = ApiResponse<'/api/v1/apikey', 'post'>;

/** The audit entry with the request context the search page shows. */
export type FullAuditEntry = Item<ApiResponse<'/api/v1/audittrail/search', 'post'>>;

/** GET /scheduler/status */
export type SchedulerStatus = ApiResponse<'/api/v1/scheduler/status', 'get'>;
/** GET /api/v1/health: the readiness components with their details */
export type Health = ApiResponse<'/api/v1/health', 'get'>;
/** GET /users */
export type User = Item<ApiResponse<'/api/v1/users', 'get'>>;

/** GET /teams: a group of contacts with the channels that reach it. */
export type Team = ApiResponse<'/api/v1/teams/{id}', 'get'>;
/** GET /routes (ordered by position): the first matching rule decides, unless it says `continue`. */
export type AlertRoute = ApiResponse<'/api/v1/routes/{id}', 'get'>;
/** What a route matches; an absent matcher matches every alert, `labels` every listed label equal. */
export type RouteMatch = AlertRoute['match'];
/** GET /routes/default: where an alert goes when no rule matched (version 0 = never set). */
export type DefaultRoute = ApiResponse<'/api/v1/routes/default', 'get'>;
/** POST /routes/test: where an alert of a KPI would go. `via`: 'kpi' | 'team:<id>' | 'route:<id>' ('route:default') | 'channel'. */
export type RouteTest = ApiResponse<'/api/v1/routes/test', 'post'>;
export type Severity = RouteTest['severity'];
/** The severities in the order the forms offer them; the compiler checks it names each one. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];
/** GET /escalation-chains: steps, strictly ascending in afterMinutes; stopped by acknowledgement or resolution. */
export type EscalationChain = ApiResponse<'/api/v1/escalation-chains/{id}', 'get'>;
/** One step of a chain: due `afterMinutes` after the alert opened; `kinds` absent = the target's usual ways. */
export type EscalationStep = EscalationChain['steps'][number];
export type EscalationTargetType = EscalationStep['targets'][number]['type'];
export type EscalationKind = NonNullable<EscalationStep['targets'][number]['kinds']>[number];

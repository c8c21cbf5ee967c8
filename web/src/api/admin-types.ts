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

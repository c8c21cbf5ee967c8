// The API's shapes for the alert, admin, audit and system pages (see /api/docs for the full document).
import type { Alert, AuditEntry } from './types.ts';

export const CHANNEL_KINDS = ['email', 'sms', 'webhook', 'slack', 'msteams', 'pagerduty', 'opsgenie', 'telegram', 'discord'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type Channel = ChannelKind | 'log';

/** GET /channels: where alerts go besides the contacts. Secrets are never returned, only whether they are set. */
export interface ChannelConfig {
  readonly id: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly settings: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, boolean>>;
  readonly kpis: readonly string[] | null;
  readonly owners: readonly string[] | null;
  readonly active: boolean;
  readonly readOnly: boolean;
  readonly version: number;
}

/** POST /channels/{id}/test. */
export interface ChannelTest {
  readonly ok: boolean;
  readonly error: string | null;
  readonly retryAfterMs: number | null;
  readonly permanent: boolean;
}

/** One message to one recipient on one channel (GET /notifications, and inside an alert's detail). */
export interface Notification {
  readonly id: string;
  readonly alertId: string;
  readonly kpiId: string;
  readonly purpose: 'opened' | 'reminder' | 'escalation' | 'acknowledged' | 'resolved';
  readonly channel: Channel;
  readonly recipient: string;
  readonly contactId: string | null;
  readonly subject: string;
  readonly body: string;
  readonly status: 'pending' | 'sent' | 'dead';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

/** GET /alerts/{id}: everything known about one alert. */
export interface AlertDetail extends Alert {
  readonly priority: number;
  readonly executionId: string;
  readonly error: string | null;
  readonly body: string;
  readonly escalatedAt: string | null;
  readonly lastNotifiedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgeNote: string | null;
  readonly resolvedBy: string | null;
  readonly resolveNote: string | null;
  readonly resolution: 'auto' | 'manual' | 'ran_again' | null;
  /** The escalation chain fixed on it when it opened (null = none); `notified`: how many of its first steps went out. */
  readonly escalation: { readonly chainId: string; readonly name: string; readonly steps: readonly EscalationStep[]; readonly notified: number } | null;
  readonly version: number;
  readonly notifications: readonly Notification[];
}

export interface Contact {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly active: boolean;
  readonly version: number;
  readonly updatedAt: string;
}

export type SourceKind = 'postgres' | 'mysql' | 'sqlite';

export interface DataSource {
  readonly id: string;
  readonly name: string;
  readonly kind: SourceKind;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly user: string | null;
  readonly passwordEnv: string | null;
  readonly ssl: boolean;
  readonly filePath: string | null;
  readonly statementTimeoutMs: number;
  readonly maxConnections: number;
  /** An administrator accepted a user that source inspection refuses: shown as a warning. */
  readonly allowPrivilegedUser?: boolean;
  readonly hasPassword: boolean;
  readonly version: number;
  readonly updatedAt: string;
}

/** POST /datasources/{id}/test */
export interface SourceTest {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly version?: string;
  readonly error?: string;
  /** Privileges allowPrivilegedUser accepts on this source. */
  readonly warnings?: readonly string[];
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly status: 'active' | 'revoked' | 'expired';
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly useCount: number;
}

/** POST /apikey: the key itself is in this answer only. */
export interface CreatedApiKey extends ApiKey {
  readonly key: string;
}

/** The audit entry with the request context the search page shows. */
export interface FullAuditEntry extends AuditEntry {
  readonly clientIp: string | null;
  readonly correlationId: string | null;
  readonly traceId: string | null;
}

/** GET /scheduler/status */
export interface SchedulerStatus {
  readonly now: string;
  readonly nodes: readonly {
    readonly nodeId: string; readonly hostname: string; readonly pid: number; readonly role: string; readonly startedAt: string;
    readonly heartbeatAt: string; readonly alive: boolean; readonly running: number; readonly counters: Record<string, number>;
  }[];
  readonly running: readonly {
    readonly kpiId: string; readonly indicator: string; readonly slot: string; readonly node: string | null;
    readonly since: string | null; readonly leaseUntil: string | null; readonly attempt: number;
  }[];
  readonly queue: { readonly due: number; readonly oldest: readonly { readonly kpiId: string; readonly indicator: string; readonly dueAt: string }[] };
  readonly nextRuns: readonly { readonly kpiId: string; readonly indicator: string; readonly nextRunAt: string }[];
}

/** GET /api/v1/health: the readiness components with their details */
export interface Health {
  readonly status: 'up' | 'degraded' | 'down';
  readonly components: Record<string, { readonly status: string; readonly detail: string }>;
}

/** GET /users */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: 'admin' | 'editor' | 'viewer';
  readonly active: boolean;
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** GET /teams: a group of contacts with the channels that reach it. */
export interface Team {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly members: readonly string[];
  readonly channels: readonly string[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a route matches; an absent matcher matches every alert, `labels` every listed label equal. */
export interface RouteMatch {
  readonly owners?: readonly string[];
  readonly priorities?: readonly (1 | 2)[];
  readonly severities?: readonly Severity[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** GET /routes (ordered by position): the first matching rule decides, unless it says `continue`. */
export interface AlertRoute {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly match: RouteMatch;
  readonly teams: readonly string[];
  readonly channels: readonly string[];
  readonly escalationChainId: string | null;
  readonly continue: boolean;
  readonly version: number;
}

/** GET /routes/default: where an alert goes when no rule matched. */
export interface DefaultRoute {
  readonly teams: readonly string[];
  readonly channels: readonly string[];
  readonly escalationChainId: string | null;
  /** 0 = never set. */
  readonly version: number;
  readonly updatedAt: string | null;
}

/** POST /routes/test: where an alert of a KPI would go. `via`: 'kpi' | 'team:<id>' | 'route:<id>' ('route:default') | 'channel'. */
export interface RouteTest {
  readonly matched: readonly { readonly id: string; readonly name: string }[];
  readonly usedDefault: boolean;
  /** The severity judged (the one asked for, or what a 50 % deviation gives). */
  readonly severity: Severity;
  readonly teams: readonly { readonly id: string; readonly name: string }[];
  readonly escalationChain: { readonly id: string; readonly name: string } | null;
  readonly recipients: readonly { readonly kind: ChannelKind; readonly channel: string; readonly address: string; readonly contactId: string | null; readonly via: string }[];
}

export type EscalationTargetType = 'team' | 'contact' | 'channel';
export type EscalationKind = 'email' | 'sms';

/** One step of a chain: due `afterMinutes` after the alert opened; `kinds` absent = the target's usual ways. */
export interface EscalationStep {
  readonly afterMinutes: number;
  readonly targets: readonly { readonly type: EscalationTargetType; readonly id: string; readonly kinds?: readonly EscalationKind[] }[];
}

/** GET /escalation-chains: steps, strictly ascending in afterMinutes; stopped by acknowledgement or resolution. */
export interface EscalationChain {
  readonly id: string;
  readonly name: string;
  readonly steps: readonly EscalationStep[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

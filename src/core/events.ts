import type { SecurityEvent } from './auth/security-events.ts';
import type { ChannelFields } from './channels/channel.ts';
import type { ContactFields } from './contacts/contact.ts';
import type { DataSourceFields } from './datasources/datasource.ts';
import type { KpiFields } from './kpis/kpi.ts';
import type { Range } from './detection/rule.ts';
import type { Changes } from './shared/changes.ts';
import type { BreachReason, ExecutionStatus } from './executions/outcome.ts';
import type { AlertEvent } from './alerts/alert-events.ts';
import type { SilenceEvent } from './silences/silence-events.ts';
import type { MaintenanceWindowEvent } from './maintenance/window-events.ts';
import type { EscalationChainEvent } from './escalation/chain-events.ts';
import type { RoutingEvent } from './routing/routing-events.ts';

/**
 * The closed union of domain events, named in the past tense. Each *Created event carries the full
 * state, each *Updated event the changed fields with their old and new values, so any state can be
 * rebuilt from the stream and the audit trail can show diffs.
 */
export type DomainEvent =
  | { readonly type: 'KpiCreated'; readonly data: { readonly id: string; readonly kpi: KpiFields } }
  | { readonly type: 'KpiUpdated'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'KpiActivated'; readonly data: { readonly id: string } }
  | { readonly type: 'KpiDeactivated'; readonly data: { readonly id: string } }
  | { readonly type: 'KpiDeleted'; readonly data: { readonly id: string; readonly kpi: KpiFields } }
  | { readonly type: 'ContactCreated'; readonly data: { readonly id: string; readonly contact: ContactFields } }
  | { readonly type: 'ContactUpdated'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'ContactDeleted'; readonly data: { readonly id: string; readonly contact: ContactFields } }
  | {
      readonly type: 'DataSourceCreated';
      /** sealedPassword is ciphertext (never the password) so that replay can rebuild the row. */
      readonly data: { readonly id: string; readonly dataSource: DataSourceFields; readonly sealedPassword: string | null };
    }
  | {
      readonly type: 'DataSourceUpdated';
      /** `password: {from: 'set'|'unset', to: 'set'|'unset'|'changed'}` appears in changes when it changed. */
      readonly data: { readonly id: string; readonly changes: Changes; readonly sealedPassword?: string | null };
    }
  | { readonly type: 'DataSourceDeleted'; readonly data: { readonly id: string; readonly dataSource: DataSourceFields } }
  | {
      readonly type: 'ChannelCreated';
      /** sealedSecrets is ciphertext (never a secret) so that replay can rebuild the row; secretNames says which are set. */
      readonly data: { readonly id: string; readonly channel: ChannelFields; readonly sealedSecrets: string | null; readonly secretNames: readonly string[] };
    }
  | {
      readonly type: 'ChannelUpdated';
      /** `secrets: {from, to}` (the names set before and after) appears in changes when a secret was given. */
      readonly data: { readonly id: string; readonly changes: Changes; readonly sealedSecrets?: string | null; readonly secretNames?: readonly string[] };
    }
  | { readonly type: 'ChannelDeleted'; readonly data: { readonly id: string; readonly channel: ChannelFields } }
  | SecurityEvent
  // Significant execution outcomes on the KPI stream (every run is in the executions table instead).
  | { readonly type: 'KpiExecutionFailed'; readonly data: { readonly id: string; readonly runId: string; readonly status: ExecutionStatus; readonly error: string; readonly at: string } }
  | { readonly type: 'KpiExecutionRecovered'; readonly data: { readonly id: string; readonly runId: string; readonly at: string } }
  | {
      readonly type: 'KpiBreachBegan';
      readonly data: {
        readonly id: string; readonly runId: string; readonly key: string | null; readonly value: number; readonly baseline: number | null;
        readonly deviationPercent: number | null;
        /** What the rules accepted (absent in events written before the adaptive band). */
        readonly band?: Range | null; readonly reasons: readonly BreachReason[]; readonly at: string;
      };
    }
  | { readonly type: 'KpiBackToNormal'; readonly data: { readonly id: string; readonly runId: string; readonly key: string | null; readonly value: number; readonly baseline: number | null; readonly at: string } }
  | AlertEvent
  | SilenceEvent
  | MaintenanceWindowEvent
  | EscalationChainEvent
  | RoutingEvent;

export type DomainEventType = DomainEvent['type'];

/** Streams are named `<type>-<id>`. */
export const streamIds = {
  kpi: (id: string) => `kpi-${id}`,
  contact: (id: string) => `contact-${id}`,
  dataSource: (id: string) => `datasource-${id}`,
  alert: (id: string) => `alert-${id}`,
  silence: (id: string) => `silence-${id}`,
  channel: (id: string) => `channel-${id}`,
  maintenanceWindow: (id: string) => `maintenancewindow-${id}`,
  escalationChain: (id: string) => `escalationchain-${id}`,
  team: (id: string) => `team-${id}`,
  route: (id: string) => `route-${id}`,
  defaultRoute: () => 'defaultroute-default',
} as const;

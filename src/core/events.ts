import type { ContactFields } from './contacts/contact.ts';
import type { DataSourceFields } from './datasources/datasource.ts';
import type { KpiFields } from './kpis/kpi.ts';
import type { Changes } from './shared/changes.ts';
import type { AlertEvent } from './alerts/alert-events.ts';

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
  | AlertEvent;

export type DomainEventType = DomainEvent['type'];

/** Streams are named `<type>-<id>`. */
export const streamIds = {
  kpi: (id: string) => `kpi-${id}`,
  contact: (id: string) => `contact-${id}`,
  dataSource: (id: string) => `datasource-${id}`,
  alert: (id: string) => `alert-${id}`,
} as const;

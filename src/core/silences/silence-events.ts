import type { Changes } from '../shared/changes.ts';
import type { SilenceFields } from './silence.ts';

/**
 * The events of a `silence-<id>` stream. Ended (by a person) and expired (its end came) carry their
 * changes like an update, so the fold and the audit trail read them the same way.
 */
export type SilenceEvent =
  | { readonly type: 'SilenceCreated'; readonly data: { readonly id: string; readonly silence: SilenceFields } }
  | { readonly type: 'SilenceUpdated'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'SilenceEnded'; readonly data: { readonly id: string; readonly changes: Changes; readonly by: string; readonly note: string | null } }
  | { readonly type: 'SilenceExpired'; readonly data: { readonly id: string; readonly changes: Changes } };

import type { Changes } from '../shared/changes.ts';
import type { EscalationChainFields } from './chain.ts';

/** The events of an `escalationchain-<id>` stream. */
export type EscalationChainEvent =
  | { readonly type: 'EscalationChainCreated'; readonly data: { readonly id: string; readonly escalationChain: EscalationChainFields } }
  | { readonly type: 'EscalationChainUpdated'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'EscalationChainDeleted'; readonly data: { readonly id: string; readonly escalationChain: EscalationChainFields } };

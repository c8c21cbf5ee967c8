import type { Page } from '../ports.ts';
import type { EscalationChain, TargetType } from './chain.ts';

export interface EscalationChainRepo {
  get(id: string): Promise<EscalationChain | null>;
  /** The chain, locked for this transaction: every change to a chain goes through this. */
  lock(id: string): Promise<EscalationChain | null>;
  /** Names are unique (migration 0985). */
  findByName(name: string): Promise<EscalationChain | null>;
  list(filter: { cursor?: string | undefined; limit: number }): Promise<Page<EscalationChain>>;
  /** Ids of the chains with a step that names this team, contact or channel (to refuse deleting it). */
  referencing(ref: { readonly type: TargetType; readonly id: string }): Promise<string[]>;
  insert(c: EscalationChain): Promise<void>;
  update(c: EscalationChain): Promise<void>;
  remove(id: string): Promise<void>;
}

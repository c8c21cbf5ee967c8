import type { Page } from '../ports.ts';
import type { Silence, SilenceState } from './silence.ts';

export interface SilenceFilter {
  readonly state?: SilenceState | undefined;
  readonly kpiId?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export interface SilenceRepo {
  get(id: string): Promise<Silence | null>;
  /** Locked for this transaction: every change to a silence goes through this. */
  lock(id: string): Promise<Silence | null>;
  /** Silences in state active whose end has not come by `now` (including those not started yet). */
  listActive(now: Date): Promise<Silence[]>;
  /** Ids of active silences whose end has come, locked, skipping those another node holds. */
  claimExpired(now: Date, limit: number): Promise<string[]>;
  list(filter: SilenceFilter): Promise<Page<Silence>>;
  insert(s: Silence): Promise<void>;
  update(s: Silence): Promise<void>;
}

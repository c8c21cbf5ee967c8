import type { Listener, ListenHandlers } from './pg-listener.ts';

/** Something that runs SQL: the database itself or an open transaction. Queries take the handle first. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The store: PostgreSQL over `pg` or embedded PGlite, with one dialect. Inside `transaction`, query through
 * the handle it passes: on PGlite the outer handle waits for the transaction and would deadlock.
 */
export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * LISTEN for NOTIFY from other nodes (a server only; PGlite is one process, so there are no others).
   * The caller closes the listener before the store.
   */
  listen?(channel: string, handlers: ListenHandlers): Promise<Listener>;
}

/** PostgreSQL's SQLSTATE for a unique violation, the same on both engines. */
export const UNIQUE_VIOLATION = '23505';

export const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

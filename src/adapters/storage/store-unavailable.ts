import { AppError } from '../../core/errors.ts';
import { sqlState } from './db.ts';

/** What a client of a busy or restarting store should wait before trying again, seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** Shutdown, crash recovery, too many connections: the server is there but cannot serve now. */
const SERVER_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Client was closed and is not queryable|Query read timeout/;

/** The store did not answer (refused, gone, every connection busy), as opposed to refusing one statement. */
export function isStoreUnavailable(e: unknown): boolean {
  if (e instanceof AppError) return e.code === 'unavailable';
  const state = sqlState(e) ?? '';
  if (NETWORK.has(state) || SERVER_STATES.has(state) || state.startsWith('08')) return true;
  return e instanceof Error && PG_MESSAGES.test(e.message);
}

/** Such a failure as the one error the API answers 503 with Retry-After; anything else unchanged. */
export const asUnavailable = (e: unknown): unknown =>
  isStoreUnavailable(e) && !(e instanceof AppError)
    ? new AppError('unavailable', 'the store does not answer; try again shortly', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS }, e)
    : e;

import type { AuthStore, AuthTx } from '../../core/auth/model.ts';
import type { Clock } from '../../core/ports.ts';
import { appendEvents } from '../event-store/event-store.ts';
import { apiKeyRepo } from './api-keys.repo.ts';
import type { Db, Queryable } from './db.ts';
import { refreshTokenRepo } from './refresh-tokens.repo.ts';
import { userRepo } from './users.repo.ts';

const portsOn = (q: Queryable, clock: Clock): AuthTx => ({
  events: { append: (streamId, expected, events, meta) => appendEvents(q, clock, streamId, expected, events, meta) },
  users: userRepo(q),
  apiKeys: apiKeyRepo(q),
  refreshTokens: refreshTokenRepo(q),
});

/** The access-control tables and the event store, bound to one transaction at a time. */
export function createAuthStore(db: Db, clock: Clock): AuthStore {
  return {
    run: (work) => db.transaction((tx) => work(portsOn(tx, clock))),
    read: portsOn(db, clock),
  };
}

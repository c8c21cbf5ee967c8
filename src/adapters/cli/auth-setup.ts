import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../core/ports.ts';
import { bootstrapAdmin } from '../../core/auth/user-commands.ts';
import { loadOrCreateKeyFile } from '../crypto/key-file.ts';
import { createAuthDeps, type AuthOptions } from '../http/auth-deps.ts';
import type { Db } from '../storage/db.ts';

/** The access-control options of a node. Nodes sharing a store must share JWT_SECRET. */
export const authOptionsOf = (config: Config): AuthOptions => ({
  jwtSecret: config.jwtSecret ?? loadOrCreateKeyFile(config.dataDir, 'jwt.key'),
  rateLimitPerMinute: config.authRateLimitPerMinute,
  failureLimitPerMinute: config.authFailureLimitPerMinute,
});

/**
 * First start: with no users at all, creates the administrator `admin`. A generated password goes to
 * `print` (the terminal), never to the log; the log only says that it happened.
 */
export async function ensureAdministrator(
  db: Db, clock: Clock, ids: IdGenerator, password: string | null, logger: Logger, print: (text: string) => void,
): Promise<void> {
  const created = await bootstrapAdmin(createAuthDeps(db, clock, ids), password, { actor: 'system:bootstrap', correlationId: ids.next('correlation') });
  if (created === null) return;
  logger.info({ username: created.username, generatedPassword: created.generated }, 'created the first administrator');
  if (created.generated) {
    print(`\nCreated the administrator "${created.username}" with the password\n\n    ${created.password}\n\nIt is shown this once. Sign in with POST /api/v1/auth/login.\n\n`);
  }
}

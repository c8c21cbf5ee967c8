import type { Config } from '../../config.ts';
import { createApiKey } from '../../core/auth/api-key-commands.ts';
import { createUser, generatePassword } from '../../core/auth/user-commands.ts';
import type { AuthDeps } from '../../core/auth/model.ts';
import { isAppError } from '../../core/errors.ts';
import type { EventMeta } from '../../core/ports.ts';
import { createAuthDeps } from '../http/auth-deps.ts';
import { createIdGenerator } from '../ids.ts';
import { migrate } from '../storage/migrate.ts';
import { openDb } from '../storage/open-db.ts';
import { systemClock } from '../system-clock.ts';
import { UsageError } from './command-line.ts';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin: () => Promise<string>;
}

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

async function withAuthDeps(config: Config, owner: string, work: (deps: AuthDeps, meta: EventMeta) => Promise<number>, io: CliIo): Promise<number> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, owner });
  try {
    await migrate(db);
    const ids = createIdGenerator(systemClock);
    return await work(createAuthDeps(db, systemClock, ids), { actor: 'cli', correlationId: ids.next('correlation') });
  } catch (e) {
    if (!isAppError(e)) throw e;
    io.err(`${e.message}\n`);
    return 2;
  } finally {
    await db.close();
  }
}

/**
 * `monitoring-grid user create`, run against the configured store (migrated first, so it works for
 * first setup); without `passwordStdin` a password is generated and printed once. Events name the actor
 * `cli`. Returns the exit status (2: refused, e.g. the user exists).
 */
export function createUserCommand(
  values: { readonly username: string; readonly role: string; readonly passwordStdin?: boolean | undefined }, config: Config, io: CliIo = processIo,
): Promise<number> {
  return withAuthDeps(config, 'monitoring-grid user create', async (deps, meta) => {
    const piped = values.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : null;
    const password = piped ?? generatePassword(deps);
    const user = await createUser(deps, { username: values.username, role: values.role, password }, meta);
    io.err(`created user ${user.username} (${user.id}), role ${user.role}\n`);
    if (piped === null) io.out(`${password}\n`);
    return 0;
  }, io);
}

/**
 * `monitoring-grid apikey create`: prints the key once (only its hash is stored). `scopes` is a comma
 * list; `expiresInDays` a positive number of days (none: the key does not expire). Returns the exit status.
 */
export function createApiKeyCommand(
  values: { readonly name: string; readonly scopes: string; readonly owner?: string | undefined; readonly expiresInDays?: string | undefined },
  config: Config, io: CliIo = processIo,
): Promise<number> {
  const days = values.expiresInDays === undefined ? null : Number(values.expiresInDays);
  if (days !== null && !(days > 0)) throw new UsageError('--expires-in-days must be a positive number');
  return withAuthDeps(config, 'monitoring-grid apikey create', async (deps, meta) => {
    const { apiKey, key } = await createApiKey(deps, {
      name: values.name, owner: values.owner, scopes: values.scopes.split(',').map((s) => s.trim()).filter(Boolean),
      expiresAt: days === null ? null : new Date(systemClock.now().getTime() + days * 86_400_000),
    }, meta);
    io.err(`created API key ${apiKey.name} (${apiKey.id}), scopes ${apiKey.scopes.join(', ')}; it is shown this once:\n`);
    io.out(`${key}\n`);
    return 0;
  }, io);
}

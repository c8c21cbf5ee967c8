import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';
import { createApiKey } from '../../core/auth/api-key-commands.ts';
import { createUser, generatePassword } from '../../core/auth/user-commands.ts';
import { isAppError } from '../../core/errors.ts';
import { createAuthDeps } from '../http/auth-deps.ts';
import { createIdGenerator } from '../ids.ts';
import { migrate } from '../storage/migrate.ts';
import { openDb } from '../storage/open-db.ts';
import { systemClock } from '../system-clock.ts';

export const AUTH_USAGE = `  user create --username NAME --role admin|editor|viewer [--password-stdin]
            create a user; without --password-stdin a password is generated and printed once
  apikey create --name NAME --scopes 'kpi:read,alerts:*' [--owner OWNER] [--expires-in-days N]
            create an API key and print it (only its hash is stored; it cannot be shown again)`;

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

const OPTIONS = {
  username: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' },
  name: { type: 'string' }, scopes: { type: 'string' }, owner: { type: 'string' }, 'expires-in-days': { type: 'string' },
} as const;

/**
 * `monitoring-grid user create` and `apikey create`, run against the configured store (migrated first,
 * so they work for first setup). Events name the actor `cli`. Returns the exit status.
 */
export async function runAuthCommand(argv: readonly string[], config: Config, io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    io.err(`${(e as Error).message}\nusage:\n${AUTH_USAGE}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [what, action] = positionals;
  if (action !== 'create' || (what !== 'user' && what !== 'apikey')) {
    io.err(`usage:\n${AUTH_USAGE}\n`);
    return 2;
  }
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, owner: `monitoring-grid ${what} create` });
  try {
    await migrate(db);
    const ids = createIdGenerator(systemClock);
    const deps = createAuthDeps(db, systemClock, ids);
    const meta = { actor: 'cli', correlationId: ids.next('correlation') };
    if (what === 'user') {
      const piped = values['password-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : null;
      const password = piped ?? generatePassword(deps);
      const user = await createUser(deps, { username: values.username ?? '', role: values.role ?? '', password }, meta);
      io.err(`created user ${user.username} (${user.id}), role ${user.role}\n`);
      if (piped === null) io.out(`${password}\n`);
      return 0;
    }
    const days = values['expires-in-days'] === undefined ? null : Number(values['expires-in-days']);
    if (days !== null && !(days > 0)) {
      io.err('--expires-in-days must be a positive number\n');
      return 2;
    }
    const { apiKey, key } = await createApiKey(deps, {
      name: values.name ?? '', owner: values.owner, scopes: (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      expiresAt: days === null ? null : new Date(systemClock.now().getTime() + days * 86_400_000),
    }, meta);
    io.err(`created API key ${apiKey.name} (${apiKey.id}), scopes ${apiKey.scopes.join(', ')}; it is shown this once:\n`);
    io.out(`${key}\n`);
    return 0;
  } catch (e) {
    if (!isAppError(e)) throw e;
    io.err(`${e.message}\n`);
    return 2;
  } finally {
    await db.close();
  }
}

// The commands of `monitoring-grid`: the table below is the one place a command declares its words,
// summary, flags and run; help, unknown commands and flags follow from it (adapters/cli/command-line.ts).
// A command's code is imported when it runs, so `--help` answers without loading the service.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { defineCommand, runCommandLine, UsageError, type Command } from './adapters/cli/command-line.ts';
import type { Db } from './adapters/storage/db.ts';
import type { Role } from './main.ts';

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

const ROLES: readonly Role[] = ['all', 'api', 'scheduler'];

async function start(role: Role): Promise<number> {
  const config = configOrExit();
  const [{ createLogger }, { startService }] = await Promise.all([import('./adapters/observability/logger.ts'), import('./main.ts')]);
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger, { role });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return 0;
}

/** Opens the configured store as `owner`, runs `work` and closes it. */
async function withStore<T>(owner: string, work: (db: Db) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const { openDb } = await import('./adapters/storage/open-db.ts');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, owner });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const migrateOnly = () => withStore('monitoring-grid migrate', async (db) => {
  const { migrate } = await import('./adapters/storage/migrate.ts');
  const applied = await migrate(db);
  process.stdout.write(applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'nothing to migrate\n');
  return 0;
});

const replayCommand = (keep: boolean) => withStore('monitoring-grid replay', async (db) => {
  const [{ migrate }, { formatReplayReport, replay }] = await Promise.all([import('./adapters/storage/migrate.ts'), import('./adapters/replay/replay.ts')]);
  await migrate(db);
  const report = await replay(db, { keep });
  process.stdout.write(`${formatReplayReport(report)}\n${keep ? `rebuilt tables kept in schema ${report.schema}\n` : ''}`);
  return report.differences.length === 0 && report.unreadable.length === 0 ? 0 : 1;
});

const auth = () => import('./adapters/cli/auth-commands.ts');

/** `config export|plan|apply|schema`: the configuration as one file, through a running service's API. */
function configCommands(): Command[] {
  const remote = {
    url: { type: 'string', value: 'URL', description: 'the service (default http://127.0.0.1:8080)' },
    'api-key': { type: 'string', value: 'KEY', description: 'an API key with the config scope (default: MG_API_KEY)' },
  } as const;
  const file = { file: { type: 'string', value: 'FILE', short: 'f', required: true, description: 'the configuration file (YAML or JSON)' } } as const;
  const prune = { prune: { type: 'boolean', description: 'delete what the file does not name' } } as const;
  const run = async (sub: 'export' | 'plan' | 'apply' | 'schema', values: object) =>
    (await import('./adapters/cli/config-command.ts')).runConfigCommand(sub, values, {
      stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), apiKey: process.env.MG_API_KEY,
    });
  return [
    defineCommand({
      words: ['config', 'export'], summary: 'write the whole configuration as one file (YAML; JSON with --json or an .json name)',
      options: { ...remote, out: { type: 'string', value: 'FILE', description: 'write here instead of standard output' }, json: { type: 'boolean', description: 'JSON instead of YAML' } },
      run: (v) => run('export', v),
    }),
    defineCommand({
      words: ['config', 'plan'], summary: 'show what applying a configuration file would change',
      details: 'Exit status 0: nothing to change; 2: changes; 1: errors (each with its file line).',
      options: { ...remote, ...file, ...prune }, run: (v) => run('plan', v),
    }),
    defineCommand({
      words: ['config', 'apply'], summary: 'apply a configuration file, all or nothing',
      options: { ...remote, ...file, ...prune, 'plan-id': { type: 'string', value: 'ID', description: 'apply only if the configuration is still what this plan saw' } },
      run: (v) => run('apply', v),
    }),
    defineCommand({ words: ['config', 'schema'], summary: "print the configuration file's JSON Schema", options: {}, run: () => run('schema', {}) }),
  ];
}

export const COMMANDS: readonly Command[] = [
  defineCommand({
    words: ['start'], summary: 'run the service: the API, the dashboard and the scheduler',
    details: 'Nodes sharing a PostgreSQL store may split the work: --role api serves HTTP only, --role scheduler runs KPIs and deliveries only.',
    options: { role: { type: 'string', value: 'all|api|scheduler', description: 'what this node runs (default all)' } },
    run: ({ role = 'all' }) => {
      if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got ${role})`);
      return start(role as Role);
    },
  }),
  defineCommand({
    words: ['migrate'], summary: 'apply pending database migrations and exit (start does this too)',
    options: {}, run: migrateOnly,
  }),
  defineCommand({
    words: ['user', 'create'], summary: 'create a user; without --password-stdin a password is generated and printed once',
    options: {
      username: { type: 'string', value: 'NAME', required: true, description: 'the name to sign in with' },
      role: { type: 'string', value: 'admin|editor|viewer', required: true, description: 'what the user may do' },
      'password-stdin': { type: 'boolean', description: 'read the password from standard input instead' },
    },
    run: async (v) => (await auth()).createUserCommand({ username: v.username, role: v.role, passwordStdin: v['password-stdin'] }, configOrExit()),
  }),
  defineCommand({
    words: ['apikey', 'create'], summary: 'create an API key and print it (only its hash is stored; it cannot be shown again)',
    options: {
      name: { type: 'string', value: 'NAME', required: true, description: 'what the key is for' },
      scopes: { type: 'string', value: 'SCOPES', required: true, description: "comma-separated scopes, e.g. 'kpi:read,alerts:*'" },
      owner: { type: 'string', value: 'OWNER', description: 'who answers for the key' },
      'expires-in-days': { type: 'string', value: 'N', description: 'the key stops working after N days (default: never)' },
    },
    run: async (v) => (await auth()).createApiKeyCommand({ name: v.name, scopes: v.scopes, owner: v.owner, expiresInDays: v['expires-in-days'] }, configOrExit()),
  }),
  defineCommand({
    words: ['replay'], summary: 'rebuild every read model from the event store and compare it with the live one',
    details: 'Rebuilds into fresh tables; exits 1 and prints the differences when they differ.',
    options: { keep: { type: 'boolean', description: 'keep the rebuilt tables (their schema is printed)' } },
    run: ({ keep }) => replayCommand(keep === true),
  }),
  defineCommand({
    words: ['backtest'], summary: "judge a CSV of timestamp,value rows with a KPI's rule through the scheduler's engine",
    details: 'Each row is one scheduled run. Writes timestamp,value,anomaly_score,… per row; prints the alerts opened per week.',
    options: {
      input: { type: 'string', value: 'FILE.csv', required: true, description: 'the rows to judge (header timestamp,value)' },
      output: { type: 'string', value: 'OUT.csv', required: true, description: 'where the judged rows go' },
      rule: { type: 'string', value: 'RULE.json', description: "the judgement fields of POST /kpis (default: a new KPI's)" },
    },
    run: async (v) => (await import('./adapters/cli/backtest-command.ts')).runBacktestCommand(v, { stderr: (s) => process.stderr.write(s), now: () => new Date() }),
  }),
  ...configCommands(),
];

const FOOTER = 'Configuration comes from environment variables; see docs/configuration.md.';

/** Runs one command line (`process.argv.slice(2)`); the process's exit status is the command's. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await runCommandLine(COMMANDS, argv, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }, FOOTER);
  } catch (e) {
    // Another process holds the embedded store: an expected refusal, told without a stack trace.
    const { DataDirInUse } = await import('./adapters/storage/data-dir-lock.ts');
    process.stderr.write(`${e instanceof DataDirInUse ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  }
}

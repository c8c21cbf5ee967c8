import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { AUTH_USAGE, runAuthCommand } from './adapters/cli/auth-commands.ts';
import { createLogger } from './adapters/observability/logger.ts';
import { DataDirInUse } from './adapters/storage/data-dir-lock.ts';
import { migrate } from './adapters/storage/migrate.ts';
import { openDb } from './adapters/storage/open-db.ts';
import { startService, type Role } from './main.ts';
import { formatReplayReport, replay } from './adapters/replay/replay.ts';
import { BACKTEST_USAGE, runBacktestCommand } from './adapters/cli/backtest-command.ts';
import { CONFIG_USAGE, runConfigCommand } from './adapters/cli/config-command.ts';

const USAGE = `usage: monitoring-grid <command>

commands:
  start     run the service: API and scheduler (--role api|scheduler|all, default all)
  migrate   apply pending database migrations and exit
${AUTH_USAGE}
  replay    rebuild every read model from the event store into fresh tables and compare them with
            the live ones; exit 1 with the differences when they differ (--keep keeps the tables)
${BACKTEST_USAGE}
${CONFIG_USAGE}

Configuration comes from environment variables; see the README.`;

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

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { role: { type: 'string', default: 'all' } }, allowPositionals: true, strict: false });
  const role = values.role as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')} (got ${String(values.role)})\n`);
    process.exit(2);
  }
  const config = configOrExit();
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
}

async function migrateOnly(): Promise<void> {
  const config = configOrExit();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, owner: 'monitoring-grid migrate' });
  try {
    const applied = await migrate(db);
    process.stdout.write(applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'nothing to migrate\n');
  } finally {
    await db.close();
  }
}

async function replayCommand(keep: boolean): Promise<void> {
  const config = configOrExit();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, owner: 'monitoring-grid replay' });
  try {
    await migrate(db);
    const report = await replay(db, { keep });
    process.stdout.write(`${formatReplayReport(report)}\n${keep ? `rebuilt tables kept in schema ${report.schema}\n` : ''}`);
    process.exitCode = report.differences.length === 0 && report.unreadable.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0];
  switch (command) {
    case 'start':
      return start(argv);
    case 'migrate':
      return migrateOnly();
    case 'user':
    case 'apikey':
      process.exitCode = await runAuthCommand(argv, configOrExit());
      return;
    case 'replay':
      return replayCommand(argv.includes('--keep'));
    case 'backtest':
      process.exitCode = runBacktestCommand(argv.slice(1), { stderr: (s) => process.stderr.write(s), now: () => new Date() });
      return;
    case 'config':
      process.exitCode = await runConfigCommand(argv.slice(1), {
        stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), apiKey: process.env.MG_API_KEY,
      });
      return;
    default:
      process.stderr.write(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
      process.exit(command ? 2 : 0);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // Another process holds the embedded store: an expected refusal, told without a stack trace.
  if (e instanceof DataDirInUse) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

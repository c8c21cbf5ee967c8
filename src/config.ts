import path from 'node:path';
import { ALERT_POLICY_LIMITS as POLICY } from './core/kpis/alert-policy.ts';
import { alertConfig } from './config-alerts.ts';
import { httpConfig } from './config-http.ts';
import { Reader, type OptionTable, type TextRule } from './config-reader.ts';
import type { Config } from './config-types.ts';

export type { AlertConfig, BacktestConfig, Config, DemoConfig, WebhookConfig } from './config-types.ts';

/**
 * The only reader of process.env. Every option is declared once in OPTIONS below (name, unit, default,
 * description, what it accepts); loadConfig parses them at boot, reports every problem together and
 * freezes the result; `npm run docs:config` writes docs/configuration.md from the same table.
 */

const int = (defaultValue: number, min: number, max: number) => ({ kind: 'int', default: defaultValue, min, max }) as const;
const text = (defaultValue: string) => ({ kind: 'text', default: defaultValue }) as const;
const optional = (rule?: TextRule) => ({ kind: 'optional', rule }) as const;
const custom = (accepts: string) => ({ kind: 'custom', accepts }) as const;
const url = (name: string, pattern: RegExp, schemes: string): TextRule => ({ test: (v) => pattern.test(v), problem: `${name} must start with ${schemes}`, accepts: `a URL starting ${schemes}` });
const minLength = (name: string, n: number, hint = ''): TextRule => ({ test: (v) => v.length >= n, problem: `${name} must be at least ${n} characters${hint}`, accepts: `at least ${n} characters` });
const policyInt = (field: keyof typeof POLICY, defaultValue: number) => int(defaultValue, POLICY[field].min, POLICY[field].max);

const SERVICE = 'Service';
const STORE = 'Store';
const ACCESS = 'Access and secrets';
const HTTP = 'HTTP server';
const RUNS = 'Scheduler and KPI runs';
const BACKTESTS = 'Backtests';
const TELEMETRY = 'Metrics and tracing';
const DELIVERY = 'Notifications';
const POLICY_SECTION = 'Alert policy';

export const OPTIONS = {
  PORT: { section: SERVICE, description: 'HTTP port', unit: 'port number', parse: int(8080, 0, 65_535) },
  HOST: { section: SERVICE, description: 'interface to listen on', unit: 'address', parse: text('127.0.0.1') },
  DATA_DIR: { section: SERVICE, description: 'where the embedded store (`pgdata/`) and the key files live', unit: 'path', parse: text('./data') },
  WEB_DIR: { section: SERVICE, description: 'the built dashboard served at `/` (a `vite build` output folder)', unit: 'path', defaultText: 'the package\'s `web/dist`, written by `npm run build`', parse: optional() },
  LOG_LEVEL: { section: SERVICE, description: 'how much the JSON log on stdout says', unit: 'level', parse: { kind: 'oneOf', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
  DEMO: { section: SERVICE, description: 'run the demo (generated payments database, demo KPIs, one outage)', unit: '`true`/`false`', defaultText: '`true` with the embedded store, `false` with `DATABASE_URL`', parse: { kind: 'bool', default: true } },
  DEMO_OUTAGE_AFTER_MINUTES: { section: SERVICE, description: 'when the demo\'s deposit outage starts, after the service starts', unit: 'minutes', parse: int(3, 0, 1440) },
  DEMO_OUTAGE_MINUTES: { section: SERVICE, description: 'how long the demo\'s deposit outage lasts', unit: 'minutes', parse: int(4, 1, 1440) },

  DATABASE_URL: { section: STORE, description: 'a PostgreSQL server to use instead of the embedded store (several nodes share one)', unit: '`postgres://…`', defaultText: 'unset = embedded', parse: optional(url('DATABASE_URL', /^postgres(ql)?:\/\//, 'postgres:// or postgresql://')) },
  DATABASE_POOL_SIZE: { section: STORE, description: 'connections to that server per node', unit: 'count', parse: int(10, 1, 200) },
  DATABASE_CONNECT_TIMEOUT_SECONDS: { section: STORE, description: 'how long a request waits for a connection to that server (a new one, or a free one of the pool); then it is answered `503 unavailable` with `Retry-After: 5`, as is every request while the server does not answer', unit: 's', parse: int(5, 1, 600) },

  SECRETS_KEY: { section: ACCESS, description: 'key that encrypts data-source passwords and channel secrets (AES-256-GCM); set the same one on every node', unit: '32 bytes, base64', defaultText: 'a key generated once in `DATA_DIR/secrets.key` (mode 0600)', parse: optional({ test: (v) => Buffer.from(v, 'base64').length === 32, problem: 'SECRETS_KEY must be 32 bytes in base64 (openssl rand -base64 32)', accepts: '32 bytes in base64 (`openssl rand -base64 32`)' }) },
  JWT_SECRET: { section: ACCESS, description: 'key that signs access tokens (HS256); set the same one on every node', unit: 'text', defaultText: 'a key generated once in `DATA_DIR/jwt.key` (mode 0600)', parse: optional(minLength('JWT_SECRET', 32, ' (openssl rand -base64 32)')) },
  ADMIN_PASSWORD: { section: ACCESS, description: 'password of the administrator `admin` created on the first start (no users yet)', unit: 'text', defaultText: 'generated and printed once on stderr', parse: optional(minLength('ADMIN_PASSWORD', 12)) },
  AUTH_RATE_LIMIT: { section: ACCESS, description: 'requests to login, refresh and logout per client address', unit: 'per minute, per route and node', parse: int(20, 1, 100_000) },
  AUTH_FAILURE_LIMIT: { section: ACCESS, description: 'failed authentications (missing, malformed, unknown, expired or revoked key, bad token) from one client address before its failures are answered 429 with `Retry-After` (valid credentials from it still pass) for the rest of the minute; repeats of one failure are recorded as one security event per minute with a `count`', unit: 'per minute, per node', parse: int(30, 1, 100_000) },
  TRUST_PROXY: { section: ACCESS, description: 'whose `X-Forwarded-For` gives the client address (rate limits, lockouts, security events): `false`; a hop count (`1` = the nearest proxy); or the proxies\' addresses and CIDRs, comma-separated. Set it only behind a proxy that overwrites the header', unit: '`false`, count or addresses', defaultText: '`false` = the socket\'s peer', parse: custom('`false`, a hop count 1–20, or addresses and CIDRs separated by commas (`loopback`, `linklocal`, `uniquelocal` allowed)') },

  HTTP_REQUEST_TIMEOUT_SECONDS: { section: HTTP, description: 'a request\'s headers and body must arrive within this, or it is answered 408 and its connection closed (slow clients are cut off, with a key or without)', unit: 's', parse: int(20, 1, 3600) },
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: { section: HTTP, description: 'an idle keep-alive connection is closed after this (keep it above your load balancer\'s idle timeout)', unit: 's', parse: int(72, 1, 3600) },
  HTTP_BODY_LIMIT_BYTES: { section: HTTP, description: 'larger request bodies are refused with 413', unit: 'bytes', parse: int(1_048_576, 1024, 104_857_600) },

  MAX_PARALLEL_EXECUTIONS: { section: RUNS, description: 'KPI executions at a time on one node', unit: 'count', parse: int(5, 1, 1000) },
  SCHEDULER_POLL_MS: { section: RUNS, description: 'pause between claim rounds when nothing is due', unit: 'ms', parse: int(500, 10, 60_000) },
  SCHEDULER_LEASE_GRACE_SECONDS: { section: RUNS, description: 'added to a KPI\'s timeout: its lease lasts timeout + grace, and a run past timeout + grace is stuck', unit: 's', also: 'at least 2 × `QUERY_KILL_GRACE_SECONDS` + 2', parse: int(30, 1, 3600) },
  SCHEDULER_HEALTH_CHECK_SECONDS: { section: RUNS, description: 'how often running executions are checked for being stuck', unit: 's', parse: int(30, 1, 3600) },
  SCHEDULER_HEARTBEAT_SECONDS: { section: RUNS, description: 'node heartbeat; a node is shown dead after three missed beats', unit: 's', parse: int(10, 1, 3600) },
  EXECUTION_RETENTION_DAYS: { section: RUNS, description: 'execution history older than this is deleted (hourly cleanup)', unit: 'days', parse: int(90, 1, 36_500) },
  QUERY_KILL_GRACE_SECONDS: { section: RUNS, description: 'after a KPI query\'s timeout cancels it, how long before its connection is killed on the server (`pg_terminate_backend`, `KILL CONNECTION`) and dropped: a run is over at timeout + this', unit: 's', parse: int(5, 1, 10) },
  MAX_RESULT_ROWS: { section: RUNS, description: 'rows one KPI query may return; one more fails the run (the rest is never read)', unit: 'count', parse: int(10_000, 1, 1_000_000) },
  MAX_SERIES: { section: RUNS, description: 'series one run may have; more fails the run', unit: 'count', parse: int(1_000, 1, 10_000) },
  SQLITE_ALLOWED_DIRS: { section: RUNS, description: 'the only folders SQLite data sources may use (symbolic links are followed); others are refused with a 400', unit: 'paths separated by `:`', defaultText: '`DATA_DIR`', parse: custom('folders separated by `:` (relative ones from the working directory)') },

  BACKTEST_MAX_SOURCE_QUERIES: { section: BACKTESTS, description: 'source queries one backtest may run (windows the history lacks); past it the rest are `not_run`', unit: 'count', parse: int(2_000, 0, 1_000_000) },
  BACKTEST_MAX_SECONDS: { section: BACKTESTS, description: 'wall time of one backtest; past it the rest are `not_run`', unit: 's', parse: int(300, 1, 86_400) },
  BACKTEST_MAX_RUNNING: { section: BACKTESTS, description: 'backtests running at a time per node; one more answers 429', unit: 'count', parse: int(2, 1, 100) },
  BACKTEST_WAIT_MS: { section: BACKTESTS, description: 'how long a backtest request waits before answering 202 with a job to poll', unit: 'ms', parse: int(3_000, 0, 25_000) },

  METRICS_TOKEN: { section: TELEMETRY, description: 'bearer token that `GET /metrics` then requires', unit: 'text', defaultText: 'unset = `/metrics` is public', parse: optional(minLength('METRICS_TOKEN', 16)) },
  OTEL_EXPORTER_OTLP_ENDPOINT: { section: TELEMETRY, description: 'OpenTelemetry collector (OTLP over HTTP); traces go to `<url>/v1/traces`', unit: '`http(s)://host:4318`', defaultText: 'unset = no tracing, and no cost', parse: optional({ test: (v) => /^https?:\/\//.test(v), problem: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL', accepts: 'a URL starting http:// or https://' }) },

  SMTP_URL: { section: DELIVERY, description: 'SMTP server for email and SMS (`smtp://user:pass@host:587`, `smtps://…`; nodemailer URL options such as `?ignoreTLS=true` allowed)', unit: 'URL', defaultText: 'unset = notifications go to the built-in `log` channel ([routing](alerting.md#routing))', parse: optional(url('SMTP_URL', /^smtps?:\/\//, 'smtp:// or smtps://')) },
  MAIL_FROM: { section: DELIVERY, description: 'sender of alert mail', unit: 'address', parse: text('MonitoringGrid <monitoring-grid@localhost>') },
  SMS_GATEWAY_DOMAIN: { section: DELIVERY, description: 'email-to-SMS gateway: an SMS to +49 151 … is mailed to `49151…@<domain>`', unit: 'domain', defaultText: 'unset = no SMS', parse: optional() },
  WEBHOOK_URL: { section: DELIVERY, description: 'a webhook (JSON POST) for every KPI\'s alerts, named `webhook` (a read-only channel; more channels through the API)', unit: 'URL', defaultText: 'none', parse: custom('a URL starting http:// or https://') },
  SLACK_WEBHOOK_URL: { section: DELIVERY, description: 'a Slack incoming webhook for every KPI\'s alerts, named `slack`', unit: 'URL', defaultText: 'none', parse: custom('a URL starting http:// or https://') },
  ALERT_WEBHOOKS: { section: DELIVERY, description: 'more webhooks: JSON `[{"name","url","kind":"webhook"|"slack","kpis":[KPI ids or indicators]}]`; without `kpis` for every KPI', unit: 'JSON', defaultText: 'none', parse: custom('a JSON array as described; URLs starting http:// or https://; names unique, not starting `chn_` or `env_`') },
  WEBHOOK_SECRET: { section: DELIVERY, description: 'HMAC-SHA256 key that signs webhook bodies', unit: 'text', defaultText: 'unset = unsigned', parse: optional() },
  WEBHOOK_TIMEOUT_MS: { section: DELIVERY, description: 'timeout of one POST to a webhook or channel provider (a PagerDuty event, a Teams card …)', unit: 'ms', parse: int(5000, 100, 120_000) },
  ALERT_RETRY_COUNT: { section: DELIVERY, description: 'retries of a failed notification before it becomes a dead letter', unit: 'count', parse: int(3, 0, 20) },
  ALERT_RETRY_BASE_SECONDS: { section: DELIVERY, description: 'delay before the first retry; doubles for each further one, ±25 % jitter', unit: 's', parse: int(120, 1, 86_400) },

  ALERT_PENDING_EXECUTIONS: { section: POLICY_SECTION, description: 'N: breaching executions in a row that open an alert; unset = the automatic rule (sustained evidence, see [judgement](judgement.md#one-alert-per-incident)). This and the next four are the defaults a KPI may override ([KPI fields](kpis.md#kpi-fields))', unit: 'count', defaultText: 'unset', parse: { kind: 'optionalInt', min: POLICY.pendingExecutions.min, max: POLICY.pendingExecutions.max } },
  ALERT_RESOLVE_AFTER_EXECUTIONS: { section: POLICY_SECTION, description: 'M: normal executions in a row that resolve an alert; unset = the automatic rule (sustained normality)', unit: 'count', defaultText: 'unset', parse: { kind: 'optionalInt', min: POLICY.resolveAfterExecutions.min, max: POLICY.resolveAfterExecutions.max } },
  ALERT_FAILING_AFTER_FAILURES: { section: POLICY_SECTION, description: 'K: failed executions in a row before a "KPI failing" alert opens', unit: 'count', parse: policyInt('failingAfterFailures', 3) },
  ALERT_REMINDER_MINUTES: { section: POLICY_SECTION, description: 'repeat the notification while firing and unacknowledged', unit: 'minutes', defaultText: '`0` = never', parse: policyInt('reminderMinutes', 0) },
  ALERT_ESCALATE_AFTER_MINUTES: { section: POLICY_SECTION, description: 'notify the KPI owner\'s contact when unacknowledged this long', unit: 'minutes', defaultText: '`30` (`0` = never)', parse: policyInt('escalateAfterMinutes', 30) },
  ALERT_WORKER_INTERVAL_MS: { section: POLICY_SECTION, description: 'pause between rounds of the alert worker (timers and delivery)', unit: 'ms', parse: int(1000, 50, 600_000) },
  ALERT_MAX_PER_RUN: { section: POLICY_SECTION, description: 'alerts one run of a KPI may open; the series past it share one summary alert ([grouping](alerting.md#grouped-messages))', unit: 'count', parse: int(100, 1, 10_000) },
  PUBLIC_URL: { section: POLICY_SECTION, description: 'base of the `{link}` and of the action links in messages', unit: 'URL', defaultText: '`http://HOST:PORT`', parse: optional(url('PUBLIC_URL', /^https?:\/\//, 'http:// or https://')) },
} as const satisfies OptionTable;

export type ConfigReader = Reader<typeof OPTIONS>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const r: ConfigReader = new Reader(env, OPTIONS);
  // Read first so that their problems lead the report, as they always have.
  const databaseUrl = r.optional('DATABASE_URL');
  const keyText = r.optional('SECRETS_KEY');
  const jwtText = r.optional('JWT_SECRET');
  const adminPassword = r.optional('ADMIN_PASSWORD');
  const otlpEndpoint = r.optional('OTEL_EXPORTER_OTLP_ENDPOINT');
  const metricsToken = r.optional('METRICS_TOKEN');
  const dataDir = r.string('DATA_DIR');
  const config: Config = {
    port: r.int('PORT'),
    host: r.string('HOST'),
    dataDir,
    webDir: r.optional('WEB_DIR'),
    databaseUrl,
    logLevel: r.oneOf('LOG_LEVEL'),
    secretsKey: keyText === null ? null : Buffer.from(keyText, 'base64'),
    databasePoolSize: r.int('DATABASE_POOL_SIZE'),
    databaseConnectTimeoutMs: r.int('DATABASE_CONNECT_TIMEOUT_SECONDS') * 1000,
    jwtSecret: jwtText === null ? null : Buffer.from(jwtText, 'utf8'),
    adminPassword,
    authRateLimitPerMinute: r.int('AUTH_RATE_LIMIT'),
    authFailureLimitPerMinute: r.int('AUTH_FAILURE_LIMIT'),
    http: httpConfig(r),
    maxParallelExecutions: r.int('MAX_PARALLEL_EXECUTIONS'),
    schedulerPollMs: r.int('SCHEDULER_POLL_MS'),
    schedulerLeaseGraceSeconds: r.int('SCHEDULER_LEASE_GRACE_SECONDS'),
    schedulerHealthCheckSeconds: r.int('SCHEDULER_HEALTH_CHECK_SECONDS'),
    schedulerHeartbeatSeconds: r.int('SCHEDULER_HEARTBEAT_SECONDS'),
    executionRetentionDays: r.int('EXECUTION_RETENTION_DAYS'),
    ...sourceLimits(r, dataDir),
    secretEnv: (name) => env[name],
    metricsToken,
    otlpEndpoint,
    alerts: alertConfig(r),
    backtest: {
      maxSourceQueries: r.int('BACKTEST_MAX_SOURCE_QUERIES'),
      maxSeconds: r.int('BACKTEST_MAX_SECONDS'),
      maxRunning: r.int('BACKTEST_MAX_RUNNING'),
      waitMs: r.int('BACKTEST_WAIT_MS'),
    },
    demo: {
      enabled: r.bool('DEMO', databaseUrl === null),
      outageAfterMinutes: r.int('DEMO_OUTAGE_AFTER_MINUTES'),
      outageMinutes: r.int('DEMO_OUTAGE_MINUTES'),
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}

/** Issue 11's bounds on monitored databases; the kill grace must leave the lease time to record. */
function sourceLimits(r: ConfigReader, dataDir: string): Pick<Config, 'queryKillGraceSeconds' | 'maxResultRows' | 'maxSeries' | 'sqliteAllowedDirs'> {
  const queryKillGraceSeconds = r.int('QUERY_KILL_GRACE_SECONDS');
  const leaseGrace = r.int('SCHEDULER_LEASE_GRACE_SECONDS');
  // A run is stopped a kill grace (+1 s) before its lease ends and is over a kill grace later: the
  // query's own timeout and kill must come first.
  r.check(leaseGrace >= 2 * queryKillGraceSeconds + 2, `SCHEDULER_LEASE_GRACE_SECONDS (${leaseGrace}) must be at least 2 × QUERY_KILL_GRACE_SECONDS + 2 (${2 * queryKillGraceSeconds + 2}): a run must end and be recorded within its lease`);
  const dirs = r.optional('SQLITE_ALLOWED_DIRS');
  const sqliteAllowedDirs = (dirs === null ? [dataDir] : dirs.split(path.delimiter).filter((d) => d !== '')).map((d) => path.resolve(d));
  return {
    queryKillGraceSeconds,
    maxResultRows: r.int('MAX_RESULT_ROWS'),
    maxSeries: r.int('MAX_SERIES'),
    sqliteAllowedDirs,
  };
}

import path from 'node:path';
import { ALERT_POLICY_LIMITS as POLICY } from './core/kpis/alert-policy.ts';
import { httpConfig, type HttpConfig } from './config-http.ts';

/**
 * The only reader of process.env. Every option is parsed once at boot; every problem is reported
 * together; the result is frozen. Each option is documented in the README's configuration table.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The built dashboard served at `/`; null = the package's web/dist (what `npm run build:web` writes). */
  readonly webDir: string | null;
  readonly databaseUrl: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 32-byte key for sealing data-source passwords; null = a key file in dataDir. */
  readonly secretsKey: Buffer | null;
  /** Store connections per node (server mode). */
  readonly databasePoolSize: number;
  /** How long a request waits for a store connection before it is answered 503 (server mode), ms. */
  readonly databaseConnectTimeoutMs: number;
  /** HS256 key for access tokens; null = a key file in dataDir. */
  readonly jwtSecret: Buffer | null;
  /** Password of the administrator created on first start; null = generate one and print it once. */
  readonly adminPassword: string | null;
  /** Requests per minute and client address to login, refresh and logout. */
  readonly authRateLimitPerMinute: number;
  /** Failed authentications per minute and client address before its further failures are 429s (valid credentials still pass). */
  readonly authFailureLimitPerMinute: number;
  /** HTTP server limits (timeouts, body size, trusted proxies): see HttpConfig. */
  readonly http: HttpConfig;
  /** Executions at a time per node. */
  readonly maxParallelExecutions: number;
  /** Scheduler pause between claim rounds when nothing is due, ms. */
  readonly schedulerPollMs: number;
  /** Added to a KPI's timeout for its lease and before it counts as stuck, seconds. */
  readonly schedulerLeaseGraceSeconds: number;
  readonly schedulerHealthCheckSeconds: number;
  readonly schedulerHeartbeatSeconds: number;
  /** Execution history older than this is deleted, days. */
  readonly executionRetentionDays: number;
  /** Fewer past windows than this = no baseline (capped at a KPI's baselineWeeks). */
  /** After a timed-out KPI query is cancelled, how long before its connection is killed, seconds (1–10). */
  readonly queryKillGraceSeconds: number;
  /** Rows one KPI query may return; more fails the run. */
  readonly maxResultRows: number;
  /** Series one run may have; more fails the run. */
  readonly maxSeries: number;
  /** Folders SQLite data sources may use (absolute); default the data directory. */
  readonly sqliteAllowedDirs: readonly string[];
  /** Reads a data source's `passwordEnv` variable: names are chosen at run time, so they cannot be parsed at boot. */
  readonly secretEnv: (name: string) => string | undefined;
  /** Bearer token that GET /metrics requires; null = /metrics is public. */
  readonly metricsToken: string | null;
  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); null = tracing off, and free. */
  readonly otlpEndpoint: string | null;
  /** The demo: a generated payments database, demo KPIs and one outage; on by default with the embedded store. */
  readonly demo: DemoConfig;
  /** Alerting and notification delivery (see alertConfig below). */
  readonly alerts: AlertConfig;
  /** Bounds of one backtest (POST /kpis/{id}/backtest) and of the backtests of a node. */
  readonly backtest: BacktestConfig;
}

export interface BacktestConfig {
  /** Source queries one backtest may run. */
  readonly maxSourceQueries: number;
  /** Wall time one backtest may take, seconds. */
  readonly maxSeconds: number;
  /** Backtests running at a time per node. */
  readonly maxRunning: number;
  /** How long a POST waits for its backtest before answering 202 with the job, ms. */
  readonly waitMs: number;
}

export interface DemoConfig {
  readonly enabled: boolean;
  /** Minutes after start when the demo's deposits fail. */
  readonly outageAfterMinutes: number;
  readonly outageMinutes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  optional(name: string): string | null {
    const v = this.env[name];
    return v === undefined || v === '' ? null : v;
  }

  /** A whole number when set, null when unset (for settings whose absence means "automatic"). */
  optionalInt(name: string, min: number, max: number): number | null {
    return this.optional(name) === null ? null : this.int(name, min, min, max);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
}

export function loadConfig(env: Env): Config {
  const r = new Reader(env);
  const databaseUrl = r.optional('DATABASE_URL');
  if (databaseUrl !== null) r.check(/^postgres(ql)?:\/\//.test(databaseUrl), 'DATABASE_URL must start with postgres:// or postgresql://');
  const keyText = r.optional('SECRETS_KEY');
  const secretsKey = keyText === null ? null : Buffer.from(keyText, 'base64');
  if (secretsKey !== null) r.check(secretsKey.length === 32, 'SECRETS_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  const jwtText = r.optional('JWT_SECRET');
  if (jwtText !== null) r.check(jwtText.length >= 32, 'JWT_SECRET must be at least 32 characters (openssl rand -base64 32)');
  const adminPassword = r.optional('ADMIN_PASSWORD');
  if (adminPassword !== null) r.check(adminPassword.length >= 12, 'ADMIN_PASSWORD must be at least 12 characters');
  const otlp = r.optional('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (otlp !== null) r.check(/^https?:\/\//.test(otlp), 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
  const metricsToken = r.optional('METRICS_TOKEN');
  if (metricsToken !== null) r.check(metricsToken.length >= 16, 'METRICS_TOKEN must be at least 16 characters');
  const dataDir = r.string('DATA_DIR', './data');
  const config: Config = {
    port: r.int('PORT', 8080, 0, 65_535),
    host: r.string('HOST', '127.0.0.1'),
    dataDir,
    webDir: r.optional('WEB_DIR'),
    databaseUrl,
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    secretsKey,
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 200),
    databaseConnectTimeoutMs: r.int('DATABASE_CONNECT_TIMEOUT_SECONDS', 5, 1, 600) * 1000,
    jwtSecret: jwtText === null ? null : Buffer.from(jwtText, 'utf8'),
    adminPassword,
    authRateLimitPerMinute: r.int('AUTH_RATE_LIMIT', 20, 1, 100_000),
    authFailureLimitPerMinute: r.int('AUTH_FAILURE_LIMIT', 30, 1, 100_000),
    http: httpConfig(r),
    maxParallelExecutions: r.int('MAX_PARALLEL_EXECUTIONS', 5, 1, 1000),
    schedulerPollMs: r.int('SCHEDULER_POLL_MS', 500, 10, 60_000),
    schedulerLeaseGraceSeconds: r.int('SCHEDULER_LEASE_GRACE_SECONDS', 30, 1, 3600),
    schedulerHealthCheckSeconds: r.int('SCHEDULER_HEALTH_CHECK_SECONDS', 30, 1, 3600),
    schedulerHeartbeatSeconds: r.int('SCHEDULER_HEARTBEAT_SECONDS', 10, 1, 3600),
    executionRetentionDays: r.int('EXECUTION_RETENTION_DAYS', 90, 1, 36_500),
    ...sourceLimits(r, dataDir),
    secretEnv: (name) => env[name],
    metricsToken: r.optional('METRICS_TOKEN'),
    otlpEndpoint: r.optional('OTEL_EXPORTER_OTLP_ENDPOINT'),
    alerts: alertConfig(r),
    backtest: {
      maxSourceQueries: r.int('BACKTEST_MAX_SOURCE_QUERIES', 2_000, 0, 1_000_000),
      maxSeconds: r.int('BACKTEST_MAX_SECONDS', 300, 1, 86_400),
      maxRunning: r.int('BACKTEST_MAX_RUNNING', 2, 1, 100),
      waitMs: r.int('BACKTEST_WAIT_MS', 3_000, 0, 25_000),
    },
    demo: {
      enabled: r.bool('DEMO', databaseUrl === null),
      outageAfterMinutes: r.int('DEMO_OUTAGE_AFTER_MINUTES', 3, 0, 1440),
      outageMinutes: r.int('DEMO_OUTAGE_MINUTES', 4, 1, 1440),
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}

/** Issue 11's bounds on monitored databases; the kill grace must leave the lease time to record. */
function sourceLimits(r: Reader, dataDir: string): Pick<Config, 'queryKillGraceSeconds' | 'maxResultRows' | 'maxSeries' | 'sqliteAllowedDirs'> {
  const queryKillGraceSeconds = r.int('QUERY_KILL_GRACE_SECONDS', 5, 1, 10);
  const leaseGrace = r.int('SCHEDULER_LEASE_GRACE_SECONDS', 30, 1, 3600);
  // A run is stopped a kill grace (+1 s) before its lease ends and is over a kill grace later: the
  // query's own timeout and kill must come first.
  r.check(leaseGrace >= 2 * queryKillGraceSeconds + 2, `SCHEDULER_LEASE_GRACE_SECONDS (${leaseGrace}) must be at least 2 × QUERY_KILL_GRACE_SECONDS + 2 (${2 * queryKillGraceSeconds + 2}): a run must end and be recorded within its lease`);
  const dirs = r.optional('SQLITE_ALLOWED_DIRS');
  const sqliteAllowedDirs = (dirs === null ? [dataDir] : dirs.split(path.delimiter).filter((d) => d !== '')).map((d) => path.resolve(d));
  return {
    queryKillGraceSeconds,
    maxResultRows: r.int('MAX_RESULT_ROWS', 10_000, 1, 1_000_000),
    maxSeries: r.int('MAX_SERIES', 1_000, 1, 10_000),
    sqliteAllowedDirs,
  };
}

export interface WebhookConfig {
  readonly name: string;
  readonly kind: 'webhook' | 'slack';
  readonly url: string;
  /** KPI ids or indicators it is for; null = every KPI. */
  readonly kpis: readonly string[] | null;
}

export interface AlertConfig {
  /** null = no SMTP: notifications go to the built-in `log` channel that the API shows. */
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly smsGatewayDomain: string | null;
  readonly webhooks: readonly WebhookConfig[];
  readonly webhookSecret: string | null;
  readonly webhookTimeoutMs: number;
  readonly retryCount: number;
  readonly retryBaseSeconds: number;
  /** null = the detector's automatic incident rules (core/detection/incident.ts). */
  readonly pendingExecutions: number | null;
  readonly resolveAfterExecutions: number | null;
  readonly failingAfterFailures: number;
  readonly reminderMinutes: number;
  readonly escalateAfterMinutes: number;
  readonly workerIntervalMs: number;
  /** ALERT_MAX_PER_RUN: alerts one run of a KPI may open; past it one summary alert. */
  readonly maxAlertsPerRun: number;
  /** The base of links in messages; null = http://HOST:PORT. */
  readonly publicUrl: string | null;
}

function webhooksConfig(r: Reader): WebhookConfig[] {
  const hooks: WebhookConfig[] = [];
  const webhookUrl = r.optional('WEBHOOK_URL');
  if (webhookUrl !== null) hooks.push({ name: 'webhook', kind: 'webhook', url: webhookUrl, kpis: null });
  const slackUrl = r.optional('SLACK_WEBHOOK_URL');
  if (slackUrl !== null) hooks.push({ name: 'slack', kind: 'slack', url: slackUrl, kpis: null });
  const raw = r.optional('ALERT_WEBHOOKS');
  if (raw !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const valid = Array.isArray(parsed) && parsed.every((w: Record<string, unknown>) =>
      typeof w === 'object' && w !== null && typeof w.name === 'string' && typeof w.url === 'string' &&
      (w.kind === undefined || w.kind === 'webhook' || w.kind === 'slack') &&
      (w.kpis === undefined || w.kpis === null || (Array.isArray(w.kpis) && w.kpis.every((k) => typeof k === 'string'))));
    r.check(valid, 'ALERT_WEBHOOKS must be a JSON array of {"name", "url", "kind": "webhook"|"slack", "kpis": [KPI ids or indicators] (optional)}');
    if (valid) {
      for (const w of parsed as { name: string; url: string; kind?: 'webhook' | 'slack'; kpis?: string[] | null }[]) {
        hooks.push({ name: w.name, kind: w.kind ?? 'webhook', url: w.url, kpis: w.kpis ?? null });
      }
    }
  }
  for (const h of hooks) r.check(/^https?:\/\//.test(h.url), `the URL of webhook ${h.name} must start with http:// or https://`);
  for (const h of hooks) r.check(!/^(chn|env)_/.test(h.name), `webhook name ${h.name} must not start with chn_ or env_ (the ids of channels)`);
  r.check(new Set(hooks.map((h) => h.name)).size === hooks.length, 'webhook names must be unique (WEBHOOK_URL is "webhook", SLACK_WEBHOOK_URL is "slack")');
  return hooks;
}

function alertConfig(r: Reader): AlertConfig {
  const smtpUrl = r.optional('SMTP_URL');
  if (smtpUrl !== null) r.check(/^smtps?:\/\//.test(smtpUrl), 'SMTP_URL must start with smtp:// or smtps://');
  const publicUrl = r.optional('PUBLIC_URL');
  if (publicUrl !== null) r.check(/^https?:\/\//.test(publicUrl), 'PUBLIC_URL must start with http:// or https://');
  return {
    smtpUrl,
    mailFrom: r.string('MAIL_FROM', 'MonitoringGrid <monitoring-grid@localhost>'),
    smsGatewayDomain: r.optional('SMS_GATEWAY_DOMAIN'),
    webhooks: webhooksConfig(r),
    webhookSecret: r.optional('WEBHOOK_SECRET'),
    webhookTimeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
    retryCount: r.int('ALERT_RETRY_COUNT', 3, 0, 20),
    retryBaseSeconds: r.int('ALERT_RETRY_BASE_SECONDS', 120, 1, 86_400),
    pendingExecutions: r.optionalInt('ALERT_PENDING_EXECUTIONS', POLICY.pendingExecutions.min, POLICY.pendingExecutions.max),
    resolveAfterExecutions: r.optionalInt('ALERT_RESOLVE_AFTER_EXECUTIONS', POLICY.resolveAfterExecutions.min, POLICY.resolveAfterExecutions.max),
    failingAfterFailures: r.int('ALERT_FAILING_AFTER_FAILURES', 3, POLICY.failingAfterFailures.min, POLICY.failingAfterFailures.max),
    reminderMinutes: r.int('ALERT_REMINDER_MINUTES', 0, POLICY.reminderMinutes.min, POLICY.reminderMinutes.max),
    escalateAfterMinutes: r.int('ALERT_ESCALATE_AFTER_MINUTES', 30, POLICY.escalateAfterMinutes.min, POLICY.escalateAfterMinutes.max),
    workerIntervalMs: r.int('ALERT_WORKER_INTERVAL_MS', 1000, 50, 600_000),
    maxAlertsPerRun: r.int('ALERT_MAX_PER_RUN', 100, 1, 10_000),
    publicUrl,
  };
}

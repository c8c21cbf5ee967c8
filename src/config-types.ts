import type { HttpConfig } from './config-http.ts';

/** The parsed configuration's shape (config.ts builds it from its table of options). */
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


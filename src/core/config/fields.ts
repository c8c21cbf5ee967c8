import { ALERT_POLICY_FIELDS } from '../kpis/alert-policy.ts';
import { DIRECTIONS } from '../kpis/kpi.ts';
import { SENSITIVITIES } from '../detection/sensitivity.ts';
import { DATA_SOURCE_KINDS } from '../datasources/datasource.ts';

/**
 * The fields of a configuration file, one table per section: the file's JSON Schema and its reader are
 * both made from these, so they cannot disagree. Field names are the API's, except that a KPI names
 * its data source and contacts (`dataSource`, `contacts`) instead of giving their ids.
 */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'names' | 'labels';

export interface FieldSpec {
  readonly type: FieldType;
  readonly nullable?: boolean;
  readonly required?: boolean;
  readonly enum?: readonly (string | number)[];
  readonly description: string;
}

export type SectionName = 'dataSources' | 'contacts' | 'kpis';

export interface SectionSpec {
  /** The field that names an entry: unique in the section, the entry's identity across environments. */
  readonly key: string;
  readonly entity: 'data source' | 'contact' | 'KPI';
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

/** The marker that keeps a data source's stored (sealed) password; a file never holds a password. */
export const STORED_PASSWORD = 'stored';

const str = (description: string, o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', description, ...o });
const int = (description: string, o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'integer', description, ...o });
const num = (description: string, o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'number', description, ...o });
const bool = (description: string): FieldSpec => ({ type: 'boolean', description });

const POLICY_DESCRIPTIONS: Record<(typeof ALERT_POLICY_FIELDS)[number], string> = {
  pendingExecutions: 'breaching executions in a row before an alert opens; null = the global setting',
  resolveAfterExecutions: 'normal executions in a row before an alert resolves; null = the global setting',
  failingAfterFailures: 'failed executions in a row before a failure alert opens; null = the global setting',
  reminderMinutes: 'minutes between reminders of an open alert, 0 = none; null = the global setting',
  escalateAfterMinutes: 'minutes before an unacknowledged alert escalates, 0 = never; null = the global setting',
};

export const SECTIONS: Readonly<Record<SectionName, SectionSpec>> = {
  dataSources: {
    key: 'name', entity: 'data source', description: 'Monitored databases, by unique name.',
    fields: {
      name: str('unique name; KPIs refer to it', { required: true }),
      kind: str('database kind', { enum: DATA_SOURCE_KINDS, required: true }),
      host: str('host name (postgres, mysql)', { nullable: true }),
      port: int('port (default 5432 for postgres, 3306 for mysql)', { nullable: true }),
      database: str('database name (postgres, mysql)', { nullable: true }),
      user: str('user name (postgres, mysql)', { nullable: true }),
      passwordEnv: str('name of the environment variable of the service that holds the password', { nullable: true }),
      password: str(`"${STORED_PASSWORD}" keeps the password stored (sealed) in this environment; a file never holds a password`, { enum: [STORED_PASSWORD], nullable: true }),
      ssl: bool('connect with TLS'),
      filePath: str('sqlite only: the database file, opened read-only', { nullable: true }),
      statementTimeoutMs: int('default timeout of a KPI query, in milliseconds (100 to 3600000, default 30000)'),
      maxConnections: int('upper bound of the connection pool (1 to 100, default 5)'),
      allowPrivilegedUser: bool('run KPI queries although the user has more rights than reading; only an administrator may set it'),
    },
  },
  contacts: {
    key: 'name', entity: 'contact', description: 'People and rotas notified by KPIs, by unique name.',
    fields: {
      name: str('unique name; KPIs refer to it', { required: true }),
      email: str('email address', { nullable: true }),
      phone: str('E.164 phone number for SMS, such as +4915112345678', { nullable: true }),
      active: bool('notified at all (default true)'),
    },
  },
  kpis: {
    key: 'indicator', entity: 'KPI', description: 'Business KPIs, by unique indicator.',
    fields: {
      indicator: str('unique name of the KPI', { required: true }),
      owner: str('who owns the number', { required: true }),
      priority: int('1 = SMS and email, 2 = email only (default 2)', { enum: [1, 2] }),
      frequencyMinutes: int('run every this many minutes (1 to 10080); or give cron', { nullable: true }),
      cron: str('cron expression of the runs; or give frequencyMinutes', { nullable: true }),
      timezone: str('IANA time zone of the cron expression (default UTC)'),
      lastMinutes: int('data window handed to the query as :forLastMinutes, in minutes (default: the schedule period)'),
      sensitivity: str('the adaptive band; null = no band (default medium)', { enum: SENSITIVITIES, nullable: true }),
      deviationPercent: num('accepted deviation from the baseline in percent; null = no percentage rule', { nullable: true }),
      direction: str('which deviations breach (default both)', { enum: DIRECTIONS }),
      minThreshold: num('absolute lower limit', { nullable: true }),
      maxThreshold: num('absolute upper limit', { nullable: true }),
      thresholdCombine: str('any rule breaches, or all must (default any)', { enum: ['any', 'all'] }),
      baselineWeeks: int('weeks of history in the baseline, 1 to 52 (default 4)'),
      baselineAggregate: str('how past weeks combine (default median)', { enum: ['mean', 'median'] }),
      dataSource: str('name of the data source the query runs on', { required: true }),
      query: str('one read-only SELECT returning the value (and optional keys)', { required: true }),
      subjectTemplate: str('alert subject with {placeholders}'),
      descriptionTemplate: str('alert text with {placeholders}'),
      contacts: { type: 'names', description: 'names of the contacts notified' },
      cooldownMinutes: int('minutes between alerts of one series, 0 to 100000 (default 30)'),
      timeoutSeconds: int('timeout of one execution, 1 to 3600 seconds (default 30)'),
      active: bool('scheduled at all (default true)'),
      labels: { type: 'labels', description: 'name: value pairs that routing rules match on and templates show as {labels.NAME} (default none)' },
      ...Object.fromEntries(ALERT_POLICY_FIELDS.map((f) => [f, int(POLICY_DESCRIPTIONS[f], { nullable: true })])),
    },
  },
};

/** Sections in the order they are created and updated; deletes run the other way round. */
export const SECTION_ORDER: readonly SectionName[] = ['dataSources', 'contacts', 'kpis'];

/** Bounds of one file, so that a huge or hostile file is refused before any work on it. */
export const FILE_LIMITS = { entriesPerSection: 5_000, stringLength: 100_000, namesPerList: 500 } as const;

export const FILE_VERSION = 1;

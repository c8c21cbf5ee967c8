import type { ActionLinkRepo } from './alerts/action-link-ports.ts';
import type { IdKind } from './shared/ids.ts';
import type { NotificationChannel } from './channels/channel.ts';
import type { Contact } from './contacts/contact.ts';
import type { DataSource } from './datasources/datasource.ts';
import type { Kpi } from './kpis/kpi.ts';
import type { DomainEvent } from './events.ts';
import type { ExecutionRepo, KpiRunSummary } from './executions/ports.ts';
import type { AlertRepo, OutboxRepo } from './alerts/alert-ports.ts';
import type { SilenceRepo } from './silences/silence-ports.ts';
import type { MaintenanceWindowRepo } from './maintenance/window-ports.ts';
import type { EscalationChainRepo } from './escalation/chain-ports.ts';
import type { RouteRepo, TeamRepo } from './routing/routing-ports.ts';

/** Time comes from here, never from `new Date()` in the core. */
export interface Clock {
  now(): Date;
}

/** Makes ids such as `kpi_01J...`: time-ordered, so they also order lists. */
export interface IdGenerator {
  next(kind: IdKind): string;
}

/** Who did something and in which causal chain; stored with every event. */
export interface EventMeta {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId?: string | undefined;
  readonly clientIp?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly traceId?: string | undefined;
}

/** `number` = the stream must be at exactly that version (0 = must not exist yet). */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface RecordedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMeta & Record<string, unknown>;
  readonly recordedAt: Date;
}

export interface EventAppender {
  /** Appends atomically; a version mismatch is a `conflict` AppError. Returns the stream's new version. */
  append(streamId: string, expected: ExpectedVersion, events: readonly DomainEvent[], meta: EventMeta): Promise<number>;
}

/** Encrypts secrets (data-source passwords, channel keys and tokens) before they are stored. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface KpiFilter {
  readonly active?: boolean | undefined;
  readonly owner?: string | undefined;
  readonly priority?: number | undefined;
  readonly q?: string | undefined;
  readonly dataSourceId?: string | undefined;
  readonly contactId?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export interface KpiRepo {
  get(id: string): Promise<Kpi | null>;
  /** The KPI and its run fields in one store round trip (GET /kpis/{id}); run null = never synced. */
  getWithRun(id: string): Promise<{ kpi: Kpi; run: KpiRunSummary | null } | null>;
  findByIndicator(indicator: string): Promise<Kpi | null>;
  list(filter: KpiFilter): Promise<Page<Kpi>>;
  /** Ids of KPIs that reference the contact or data source (to refuse deleting it). */
  referencing(ref: { contactId?: string; dataSourceId?: string }): Promise<string[]>;
  insert(kpi: Kpi): Promise<void>;
  update(kpi: Kpi): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface ContactRepo {
  get(id: string): Promise<Contact | null>;
  getMany(ids: readonly string[]): Promise<Contact[]>;
  /** Names are unique (migration 0920), so a configuration file can refer to a contact by name. */
  findByName(name: string): Promise<Contact | null>;
  list(filter: { active?: boolean | undefined; q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<Contact>>;
  insert(contact: Contact): Promise<void>;
  update(contact: Contact): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface DataSourceRepo {
  get(id: string): Promise<DataSource | null>;
  findByName(name: string): Promise<DataSource | null>;
  list(filter: { cursor?: string | undefined; limit: number }): Promise<Page<DataSource>>;
  insert(ds: DataSource): Promise<void>;
  update(ds: DataSource): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface ChannelRepo {
  get(id: string): Promise<NotificationChannel | null>;
  findByName(name: string): Promise<NotificationChannel | null>;
  /** Every stored channel, by id (there are few). */
  all(): Promise<NotificationChannel[]>;
  insert(c: NotificationChannel): Promise<void>;
  update(c: NotificationChannel): Promise<void>;
  remove(id: string): Promise<void>;
}

/** The ports a command sees inside one transaction: events and read model commit together. */
export interface TxPorts {
  readonly events: EventAppender;
  readonly kpis: KpiRepo;
  readonly contacts: ContactRepo;
  readonly dataSources: DataSourceRepo;
  readonly channels: ChannelRepo;
  readonly executions: ExecutionRepo;
  readonly alerts: AlertRepo;
  readonly outbox: OutboxRepo;
  readonly silences: SilenceRepo;
  readonly maintenanceWindows: MaintenanceWindowRepo;
  readonly actionLinks: ActionLinkRepo;
  readonly escalationChains: EscalationChainRepo;
  readonly teams: TeamRepo;
  readonly routes: RouteRepo;
}

export interface UnitOfWork {
  /** Runs `work` in one transaction; everything it wrote commits or none of it does. */
  run<T>(work: (tx: TxPorts) => Promise<T>): Promise<T>;
  /** Read-only access outside a transaction. */
  readonly read: TxPorts;
}

/** What every command needs from the outside world. */
export interface CommandDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly secrets: SecretBox;
}

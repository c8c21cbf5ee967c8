import type { RecordedEvent } from '../ports.ts';
import type { Changes } from '../shared/changes.ts';
import { describeEvent } from './describe-event.ts';

/** One line of the audit trail: when, who, what (a sentence and the diff), and the causal chain. */
export interface AuditEntry {
  /** The event's position in the event store; also the entry's id. */
  readonly position: number;
  readonly recordedAt: Date;
  readonly eventType: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly entityVersion: number;
  readonly actor: string;
  readonly actorKind: ActorKind;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly traceId: string | null;
  readonly summary: string;
  readonly changes: Changes | null;
}

export type ActorKind = 'user' | 'apikey' | 'system' | 'anonymous';

/** Streams are `<entityType>-<entityId>`; the id itself may contain dashes. */
export function entityOfStream(streamId: string): { entityType: string; entityId: string } {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { entityType: streamId, entityId: '' } : { entityType: streamId.slice(0, dash), entityId: streamId.slice(dash + 1) };
}

/**
 * The entity an event concerns. Mostly its stream's; the shared `security` stream's events concern the
 * user or API key they name, so that a user's or key's history is one entity query away.
 */
export function entityOfEvent(event: Pick<RecordedEvent, 'streamId' | 'type' | 'data'>): { entityType: string; entityId: string } {
  if (event.streamId !== 'security') return entityOfStream(event.streamId);
  const d = event.data;
  const id = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  if (event.type === 'UserCreated' && id(d.id)) return { entityType: 'user', entityId: id(d.id)! };
  if (event.type.startsWith('ApiKey') && id(d.id)) return { entityType: 'apikey', entityId: id(d.id)! };
  if (id(d.keyId)) return { entityType: 'apikey', entityId: id(d.keyId)! };
  if (id(d.userId)) return { entityType: 'user', entityId: id(d.userId)! };
  return { entityType: 'security', entityId: '' };
}

/** From the metadata's actorKind when access control sets it, else from the actor id's prefix. */
export function actorKindOf(actor: string, declared?: unknown): ActorKind {
  if (declared === 'user' || declared === 'apikey' || declared === 'system' || declared === 'anonymous') return declared;
  if (actor.startsWith('usr_')) return 'user';
  if (actor.startsWith('key_')) return 'apikey';
  return actor === 'anonymous' || actor === '' ? 'anonymous' : 'system';
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The audit entry of a recorded event; `name` is the entity's display name as of this event. */
export function auditEntryOf(event: RecordedEvent, name: string | null): AuditEntry {
  const { entityType, entityId } = entityOfEvent(event);
  const m = event.metadata;
  const { summary, changes } = describeEvent(event.type, entityType, entityId, event.data, name);
  return {
    position: event.position,
    recordedAt: event.recordedAt,
    eventType: event.type,
    entityType,
    entityId,
    entityVersion: event.streamVersion,
    actor: text(m.actor) ?? 'anonymous',
    actorKind: actorKindOf(text(m.actor) ?? 'anonymous', m.actorKind),
    clientIp: text(m.clientIp),
    userAgent: text(m.userAgent),
    correlationId: text(m.correlationId),
    causationId: text(m.causationId),
    traceId: text(m.traceId),
    summary,
    changes,
  };
}

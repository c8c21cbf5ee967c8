import { kpiSchedule, type Kpi } from '../../core/kpis/kpi.ts';
import { latestSlot, nextSlot } from '../../core/kpis/schedule.ts';
import type { Db, Queryable } from './db.ts';
import { toKpi } from './kpis.repo.ts';

/** A KPI slot this node now holds the lease of. */
export interface Claim {
  readonly kpi: Kpi;
  readonly slot: Date;
  readonly leaseToken: string;
  readonly leaseUntil: Date;
  /** The node whose lease expired, when this claim takes a dead node's run over. */
  readonly tookOverFrom: string | null;
  /** 1 for a slot's first run; each takeover of its expired lease counts one more. */
  readonly attempt: number;
}

const signature = (k: Pick<Kpi, 'frequencyMinutes' | 'cron' | 'timezone'>): string => JSON.stringify(kpiSchedule(k));

/**
 * Gives every active KPI a run row with its next slot, and recomputes the next slot when the schedule
 * changed. Idempotent, so every node may run it: slots are computed from the schedule alone.
 */
export async function syncSchedules(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ id: string; version: number; frequency_minutes: number | null; cron: string | null; timezone: string }>(
    `SELECT k.id, k.version, k.frequency_minutes, k.cron, k.timezone FROM kpis k LEFT JOIN kpi_runs r ON r.kpi_id = k.id
      WHERE k.active AND (r.kpi_id IS NULL OR r.kpi_version <> k.version) LIMIT 5000`,
  );
  if (rows.length === 0) return 0;
  const items = rows.flatMap((r) => {
    const s = { frequencyMinutes: r.frequency_minutes, cron: r.cron, timezone: r.timezone };
    try {
      return [{ id: r.id, version: r.version, signature: signature(s), next: nextSlot(kpiSchedule(s), now).toISOString() }];
    } catch {
      return []; // a cron that never fires again: nothing to schedule
    }
  });
  await db.query(
    `INSERT INTO kpi_runs (kpi_id, kpi_version, schedule_signature, next_run_at)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[])
     ON CONFLICT (kpi_id) DO UPDATE SET kpi_version = EXCLUDED.kpi_version, schedule_signature = EXCLUDED.schedule_signature,
       next_run_at = CASE WHEN kpi_runs.schedule_signature = EXCLUDED.schedule_signature AND kpi_runs.next_run_at IS NOT NULL
                          THEN kpi_runs.next_run_at ELSE EXCLUDED.next_run_at END`,
    [items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.signature), items.map((i) => i.next)],
  );
  return items.length;
}

/**
 * Claims up to `limit` due KPIs with row leases. `FOR UPDATE SKIP LOCKED` lets nodes claim side by side
 * without waiting on each other; in the same transaction the next slot moves past now and the lease is
 * taken, so no other node can claim the same slot. A missed KPI runs once, for its latest slot. A lease
 * past its end (the node died) is claimed again for the same slot.
 */
export async function claimDue(db: Db, opts: { nodeId: string; now: Date; limit: number; leaseGraceMs: number; token: () => string; expiredToo?: boolean }): Promise<Claim[]> {
  if (opts.limit <= 0) return [];
  return db.transaction(async (tx) => {
    // Two index-friendly looks: leases of dead nodes first (rare), then due slots in slot order.
    const pick = (where: string, order: string, limit: number) =>
      tx.query<Record<string, unknown> & { running_slot: Date | null; lease_owner: string | null; run_attempt: number }>(
        `SELECT k.*, r.running_slot, r.lease_owner, r.attempt AS run_attempt FROM kpi_runs r JOIN kpis k ON k.id = r.kpi_id
          WHERE k.active AND ${where} ORDER BY ${order} LIMIT $2
          FOR UPDATE OF r SKIP LOCKED`,
        [opts.now, limit],
      );
    const expired = opts.expiredToo === false ? [] : (await pick('r.running_slot IS NOT NULL AND r.lease_until < $1', 'r.lease_until', opts.limit)).rows;
    const due = expired.length < opts.limit ? (await pick('r.running_slot IS NULL AND r.next_run_at <= $1', 'r.next_run_at', opts.limit - expired.length)).rows : [];
    const rows = [...expired, ...due];
    const claims: Claim[] = rows.map((row) => {
      const kpi = toKpi(row as never);
      const takeover = row.running_slot !== null;
      return {
        kpi, slot: takeover ? new Date(row.running_slot!) : latestSlot(kpiSchedule(kpi), opts.now), leaseToken: opts.token(),
        leaseUntil: new Date(opts.now.getTime() + kpi.timeoutSeconds * 1000 + opts.leaseGraceMs), tookOverFrom: takeover ? row.lease_owner : null,
        attempt: takeover ? row.run_attempt + 1 : 1,
      };
    });
    if (claims.length === 0) return claims;
    await tx.query(
      `UPDATE kpi_runs r SET running_slot = c.slot, next_run_at = CASE WHEN r.running_slot IS NULL THEN c.next ELSE r.next_run_at END, lease_token = c.token, lease_until = c.until,
              lease_owner = $6, running_since = $7, attempt = CASE WHEN r.running_slot IS NULL THEN 1 ELSE r.attempt + 1 END
         FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::timestamptz[]) AS c(kpi_id, slot, next, token, until)
        WHERE r.kpi_id = c.kpi_id`,
      [
        claims.map((c) => c.kpi.id), claims.map((c) => c.slot.toISOString()),
        claims.map((c) => nextSlot(kpiSchedule(c.kpi), opts.now).toISOString()), claims.map((c) => c.leaseToken),
        claims.map((c) => c.leaseUntil.toISOString()), opts.nodeId, opts.now,
      ],
    );
    return claims;
  });
}

/** Gives a lease up without recording (shutdown): another node takes the slot over at once. */
export async function expireLease(db: Queryable, kpiId: string, leaseToken: string, now: Date): Promise<void> {
  await db.query('UPDATE kpi_runs SET lease_until = $3 WHERE kpi_id = $1 AND lease_token = $2', [kpiId, leaseToken, new Date(now.getTime() - 1)]);
}

export interface NodeBeat {
  readonly nodeId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly role: string;
  readonly startedAt: Date;
  readonly running: number;
  readonly counters: Record<string, number>;
}

export async function heartbeat(db: Queryable, beat: NodeBeat, now: Date, stopped = false): Promise<void> {
  await db.query(
    `INSERT INTO scheduler_nodes (node_id, hostname, pid, role, started_at, heartbeat_at, running, counters, stopped_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = $6, running = $7, counters = $8, stopped_at = $9`,
    [beat.nodeId, beat.hostname, beat.pid, beat.role, beat.startedAt, now, beat.running, JSON.stringify(beat.counters), stopped ? now : null],
  );
}

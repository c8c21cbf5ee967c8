import { attemptOf, claimedSlot, leaseEnd, type Claim } from '../../core/executions/lease.ts';
import { kpiSchedule, type Kpi } from '../../core/kpis/kpi.ts';
import { DEFAULT_SPREAD, firstStart, type Spread } from '../../core/kpis/spread.ts';
import type { Db, Queryable } from './db.ts';
import { toKpi } from './kpis.repo.ts';

export type { Claim };

const signature = (k: Pick<Kpi, 'frequencyMinutes' | 'cron' | 'timezone'>): string => JSON.stringify(kpiSchedule(k));

/**
 * Gives every created or changed KPI (flagged `schedule_dirty` by its write) a run row with the planned
 * start of its next run (the next slot plus its spread offset), and recomputes it when the schedule
 * changed; then clears the flag of the versions it saw (a KPI changed meanwhile stays flagged). A poll with nothing changed is one probe of an empty
 * partial index. Idempotent, so every node may run it: slots are computed from the schedule alone.
 */
export async function syncSchedules(db: Queryable, now: Date, spread: Spread = DEFAULT_SPREAD): Promise<number> {
  const { rows } = await db.query<{ id: string; version: number; active: boolean; frequency_minutes: number | null; cron: string | null; timezone: string }>(
    'SELECT id, version, active, frequency_minutes, cron, timezone FROM kpis WHERE schedule_dirty ORDER BY id LIMIT 5000',
  );
  if (rows.length === 0) return 0;
  const items = rows.filter((r) => r.active).flatMap((r) => {
    const s = { frequencyMinutes: r.frequency_minutes, cron: r.cron, timezone: r.timezone };
    try {
      return [{ id: r.id, version: r.version, signature: signature(s), next: firstStart(kpiSchedule(s), r.id, now, spread).toISOString() }];
    } catch {
      return []; // a cron that never fires again: nothing to schedule
    }
  });
  if (items.length > 0) {
    await db.query(
      `INSERT INTO kpi_runs (kpi_id, kpi_version, schedule_signature, next_run_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[])
       ON CONFLICT (kpi_id) DO UPDATE SET kpi_version = EXCLUDED.kpi_version, schedule_signature = EXCLUDED.schedule_signature,
         next_run_at = CASE WHEN kpi_runs.schedule_signature = EXCLUDED.schedule_signature AND kpi_runs.next_run_at IS NOT NULL
                            THEN kpi_runs.next_run_at ELSE EXCLUDED.next_run_at END`,
      [items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.signature), items.map((i) => i.next)],
    );
  }
  await db.query(
    `UPDATE kpis k SET schedule_dirty = false FROM unnest($1::text[], $2::int[]) AS s(id, version)
      WHERE k.id = s.id AND k.version = s.version AND k.schedule_dirty`,
    [rows.map((r) => r.id), rows.map((r) => r.version)],
  );
  return items.length;
}

/**
 * Claims up to `limit` due KPIs with row leases. `FOR UPDATE SKIP LOCKED` lets nodes claim side by side
 * without waiting on each other; in the same transaction the next slot moves past now and the lease is
 * taken, so no other node can claim the same slot. A missed KPI runs once, for its latest slot. A lease
 * past its end (the node died) is claimed again for the same slot. `next_run_at` is a planned start
 * (spread.ts); the slot a claim runs is derived from it and the clock.
 */
export async function claimDue(db: Db, opts: { nodeId: string; now: Date; limit: number; leaseGraceMs: number; token: () => string; expiredToo?: boolean; spread?: Spread }): Promise<Claim[]> {
  if (opts.limit <= 0) return [];
  return db.transaction(async (tx) => {
    // Two index-friendly looks: leases of dead nodes first (rare), then due slots in slot order.
    const pick = (where: string, order: string, limit: number) =>
      tx.query<Record<string, unknown> & { running_slot: Date | null; run_due: Date | null; lease_owner: string | null; run_attempt: number }>(
        `SELECT k.*, r.running_slot, r.next_run_at AS run_due, r.lease_owner, r.attempt AS run_attempt FROM kpi_runs r JOIN kpis k ON k.id = r.kpi_id
          WHERE k.active AND ${where} ORDER BY ${order} LIMIT $2
          FOR UPDATE OF r SKIP LOCKED`,
        [opts.now, limit],
      );
    const expired = opts.expiredToo === false ? [] : (await pick('r.running_slot IS NOT NULL AND r.lease_until < $1', 'r.lease_until', opts.limit)).rows;
    const due = expired.length < opts.limit ? (await pick('r.running_slot IS NULL AND r.next_run_at <= $1', 'r.next_run_at', opts.limit - expired.length)).rows : [];
    const rows = [...expired, ...due];
    const claimed = rows.map((row) => {
      const kpi = toKpi(row as never);
      const takeover = row.running_slot !== null;
      const due = row.run_due === null ? null : new Date(row.run_due);
      const { slot, plannedAt, next } = claimedSlot(kpi, opts.now, takeover ? new Date(row.running_slot!) : null, due, opts.spread ?? DEFAULT_SPREAD);
      const claim: Claim = {
        kpi, slot, plannedAt, leaseToken: opts.token(), leaseUntil: leaseEnd(kpi, opts.now, opts.leaseGraceMs),
        tookOverFrom: takeover ? row.lease_owner : null, attempt: attemptOf(takeover ? row.run_attempt : null),
      };
      return { claim, next };
    });
    const claims = claimed.map((c) => c.claim);
    if (claims.length === 0) return claims;
    await tx.query(
      `UPDATE kpi_runs r SET running_slot = c.slot, next_run_at = CASE WHEN r.running_slot IS NULL THEN c.next ELSE r.next_run_at END, lease_token = c.token, lease_until = c.until,
              lease_owner = $6, running_since = $7, attempt = c.attempt
         FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::timestamptz[], $8::int[]) AS c(kpi_id, slot, next, token, until, attempt)
        WHERE r.kpi_id = c.kpi_id`,
      [
        claims.map((c) => c.kpi.id), claims.map((c) => c.slot.toISOString()),
        claimed.map((c) => c.next.toISOString()), claims.map((c) => c.leaseToken),
        claims.map((c) => c.leaseUntil.toISOString()), opts.nodeId, opts.now, claims.map((c) => c.attempt),
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

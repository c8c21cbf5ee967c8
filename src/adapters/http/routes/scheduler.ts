import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../../core/ports.ts';
import type { Scheduler } from '../../scheduler/scheduler.ts';
import type { Db } from '../../storage/db.ts';
import { schedulerStatus } from '../../storage/scheduler-status.repo.ts';
import { DateTime, Nullable, problemResponses } from '../schemas/common.ts';

const Kpi = { kpiId: Type.String(), indicator: Type.String() };
const StatusView = Type.Object({
  now: DateTime,
  nodes: Type.Array(Type.Object({
    nodeId: Type.String(), hostname: Type.String(), pid: Type.Integer(), role: Type.String(), startedAt: DateTime, heartbeatAt: DateTime,
    alive: Type.Boolean({ description: 'Heartbeat within three intervals and not stopped' }), running: Type.Integer(),
    counters: Type.Record(Type.String(), Type.Number(), { description: 'claimed, recorded, tookOver, leaseLost, stuck, errors, peakRunning, cleanedUp' }),
  })),
  running: Type.Array(Type.Object({ ...Kpi, slot: DateTime, node: Nullable(Type.String()), since: Nullable(DateTime), leaseUntil: Nullable(DateTime), attempt: Type.Integer() })),
  queue: Type.Object({ due: Type.Integer({ description: 'KPIs due and not yet claimed' }), oldest: Type.Array(Type.Object({ ...Kpi, dueAt: DateTime })) }),
  nextRuns: Type.Array(Type.Object({ ...Kpi, nextRunAt: DateTime })),
  thisNode: Nullable(Type.Object({ nodeId: Type.String(), counters: Type.Record(Type.String(), Type.Number()) })),
});

export const schedulerRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock; heartbeatIntervalMs: number; scheduler?: Scheduler | undefined }> = async (app, o) => {
  app.get('/scheduler/status', {
    config: { access: 'kpi:read' },
    schema: { tags: ['Scheduler'], summary: 'Nodes and heartbeats, running executions, the queue of due KPIs, the next runs', response: { 200: StatusView, ...problemResponses } },
  }, async () => {
    const status = await schedulerStatus(o.db, o.clock.now(), o.heartbeatIntervalMs * 3);
    const local = o.scheduler;
    return { ...status, thisNode: local === undefined ? null : { nodeId: local.nodeId, counters: { ...local.counters() } } };
  });
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decideTile, headlineOf, TILE_STATUSES, type TileStatus } from '../../../core/kpis/tile.ts';
import type { Queryable } from '../../storage/db.ts';
import { kpiOverview, seriesHistory } from '../../storage/kpi-overview.repo.ts';
import { DateTime, Nullable, problemResponses } from '../schemas/common.ts';

const TileView = Type.Object({
  id: Type.String(), indicator: Type.String(), owner: Type.String(), priority: Type.Integer(), active: Type.Boolean(),
  status: Type.Unsafe<TileStatus>({ type: 'string', enum: [...TILE_STATUSES], description: 'Most urgent first: alerting, failing, breaching, ok, no_history, inactive' }),
  key: Nullable(Type.String({ description: 'The series shown: the latest run\'s breaching one, else its first' })),
  lastValue: Nullable(Type.Number()), baseline: Nullable(Type.Number()), deviationPercent: Nullable(Type.Number()),
  outcome: Nullable(Type.String()), lastRunAt: Nullable(DateTime), lastStatus: Nullable(Type.String()), lastError: Nullable(Type.String()),
  nextRunAt: Nullable(DateTime), openAlerts: Type.Integer(),
  sparkline: Type.Array(Type.Object({ at: DateTime, value: Nullable(Type.Number()) }), { description: 'Oldest first' }),
});

const OverviewQuery = Type.Object({
  points: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 30, description: 'Sparkline length' })),
}, { additionalProperties: false });

/** GET /kpis/overview: the dashboard grid in one request (no request per tile). */
export const kpiOverviewRoutes: FastifyPluginAsyncTypebox<{ db: Queryable }> = async (app, { db }) => {
  app.get('/kpis/overview', {
    config: { access: 'kpi:read' },
    schema: {
      tags: ['KPIs'], summary: 'Every KPI as a grid tile: status, last value, baseline, deviation, next run and a sparkline',
      querystring: OverviewQuery, response: { 200: Type.Object({ items: Type.Array(TileView) }), ...problemResponses },
    },
  }, async (request) => {
    const points = request.query.points ?? 30;
    // The latest run of each KPI, then the sparkline of each one's headline series.
    const rows = await kpiOverview(db);
    const headlines = new Map(rows.flatMap((k) => {
      const h = headlineOf(k.recent);
      return h === null ? [] : [[k.id, h.key] as const];
    }));
    const history = await seriesHistory(db, headlines, points);
    return {
      items: rows.map(({ recent, ...k }) => {
        const tile = decideTile({ ...k, recent }, points, history.get(k.id) ?? []);
        const h = tile.headline;
        return {
          ...k, status: tile.status, key: h?.key ?? null, lastValue: h?.value ?? null, baseline: h?.baseline ?? null,
          deviationPercent: h?.deviationPercent ?? null, outcome: h?.outcome ?? null, sparkline: tile.sparkline,
        };
      }),
    };
  });
};

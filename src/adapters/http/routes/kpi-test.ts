import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { alertLink, type AlertSettings } from '../../../core/alerts/notify.ts';
import type { EvaluateDeps } from '../../../core/executions/evaluate.ts';
import { testKpiDefinition } from '../../../core/executions/test-definition.ts';
import { problemResponses } from '../schemas/common.ts';
import { EvaluationView } from '../schemas/execution.ts';
import { planBacktest } from '../../../core/backtest/kpi-backtest.ts';
import { BacktestJobView, KpiTestBody } from '../schemas/backtest.ts';
import { evaluationView } from './executions.ts';
import { jobView, startBacktest, type BacktestRouteDeps } from './kpi-backtest.ts';

const TestQuery = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 64, description: 'The KPI being edited: the body changes it, its history feeds the baseline' })),
}, { additionalProperties: false });

const TestView = Type.Object({
  ...EvaluationView.properties,
  messages: Type.Array(Type.Object({
    key: Type.Union([Type.Null(), Type.String()]), subject: Type.String(), body: Type.String(), sms: Type.String(), severity: Type.String(),
  }), { description: 'The alert message each series with a value would send' }),
  backtest: Type.Optional(Type.Union([Type.Null(), BacktestJobView], { description: 'With days: the backtest job (done, or running: poll its location)' })),
});

/** POST /kpis/test: the editor's "test" button; nothing is saved or recorded. */
export const kpiTestRoutes: FastifyPluginAsyncTypebox<{ deps: EvaluateDeps; settings: AlertSettings; backtest: BacktestRouteDeps }> = async (app, { deps, settings, backtest }) => {
  app.post('/kpis/test', {
    // Runs arbitrary SQL against a data source: the right of someone who may write KPIs.
    config: { access: 'kpi:write' },
    schema: {
      tags: ['KPIs'], summary: 'Try a KPI definition before saving: value, baseline, deviation, outcome and the rendered alert',
      description: 'Validated like POST /kpis; runs the query as a dry run (window ending now) and records nothing. With `days`, '
        + 'adds `backtest`: the definition replayed over the last days (see POST /kpis/{id}/backtest), compared with the saved rule of `id`.',
      querystring: TestQuery, body: KpiTestBody, response: { 200: TestView, ...problemResponses },
    },
  }, async (request) => {
    const { days, ...input } = request.body;
    // Validated before anything runs, so a bad days answers 400 without touching the source.
    const plan = days === undefined ? null : await planBacktest(backtest.backtest, request.query.id, input, days);
    const { evaluation, messages } = await testKpiDefinition(deps, input, { kpiId: request.query.id, link: alertLink(settings, 'alr_preview') });
    const job = plan === null ? null : await startBacktest(backtest, request.actor, plan);
    return { ...evaluationView(evaluation, true), messages, ...(job === null ? {} : { backtest: jobView(job) }) };
  });
};

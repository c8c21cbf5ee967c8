import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { alertLink, type AlertSettings } from '../../../core/alerts/notify.ts';
import type { EvaluateDeps } from '../../../core/executions/evaluate.ts';
import { testKpiDefinition } from '../../../core/executions/test-definition.ts';
import { problemResponses } from '../schemas/common.ts';
import { EvaluationView } from '../schemas/execution.ts';
import { KpiCreateBody } from '../schemas/kpi.ts';
import { evaluationView } from './executions.ts';

const TestQuery = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 64, description: 'The KPI being edited: the body changes it, its history feeds the baseline' })),
}, { additionalProperties: false });

const TestView = Type.Object({
  ...EvaluationView.properties,
  messages: Type.Array(Type.Object({
    key: Type.Union([Type.Null(), Type.String()]), subject: Type.String(), body: Type.String(), sms: Type.String(), severity: Type.String(),
  }), { description: 'The alert message each series with a value would send' }),
});

/** POST /kpis/test: the editor's "test" button; nothing is saved or recorded. */
export const kpiTestRoutes: FastifyPluginAsyncTypebox<{ deps: EvaluateDeps; settings: AlertSettings }> = async (app, { deps, settings }) => {
  app.post('/kpis/test', {
    // Runs arbitrary SQL against a data source: the right of someone who may write KPIs.
    config: { access: 'kpi:write' },
    schema: {
      tags: ['KPIs'], summary: 'Try a KPI definition before saving: value, baseline, deviation, outcome and the rendered alert',
      description: 'Validated like POST /kpis; runs the query as a dry run (window ending now) and records nothing.',
      querystring: TestQuery, body: KpiCreateBody, response: { 200: TestView, ...problemResponses },
    },
  }, async (request) => {
    const { evaluation, messages } = await testKpiDefinition(deps, request.body, { kpiId: request.query.id, link: alertLink(settings, 'alr_preview') });
    return { ...evaluationView(evaluation, true), messages };
  });
};

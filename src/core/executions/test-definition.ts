import { previewMessage } from '../alerts/preview.ts';
import { invalid, notFound } from '../errors.ts';
import { kpiFromInput, validateKpi, type Kpi, type KpiInput } from '../kpis/kpi.ts';
import { evaluateKpi, type EvaluateDeps, type Evaluation } from './evaluate.ts';

/** What an alert for one series would say: the rendered subject and body, SMS text and severity. */
export interface SeriesMessage {
  readonly key: string | null;
  readonly subject: string;
  readonly body: string;
  readonly sms: string;
  readonly severity: string;
}

export interface DefinitionTest {
  readonly evaluation: Evaluation;
  readonly messages: SeriesMessage[];
}

/**
 * Tries a KPI definition before it is saved (the editor's "test"): validates it as saving would, runs
 * its query as a dry run (window ending now, recording nothing) and renders the alert message for every
 * series with a value. With `kpiId`, `input` changes that KPI and its recorded history feeds the baseline.
 */
export async function testKpiDefinition(deps: EvaluateDeps, input: KpiInput, opts: { kpiId?: string | undefined; link: string }): Promise<DefinitionTest> {
  const now = deps.clock.now();
  const current = opts.kpiId === undefined ? null : await deps.uow.read.kpis.get(opts.kpiId);
  if (opts.kpiId !== undefined && current === null) throw notFound('KPI', opts.kpiId);
  const fields = kpiFromInput(input, now, current ?? undefined);
  const ds = fields.dataSourceId ? await deps.uow.read.dataSources.get(fields.dataSourceId) : null;
  const errors = [...validateKpi(fields, ds)];
  if (ds === null) errors.push({ path: '/dataSourceId', message: `data source ${fields.dataSourceId} does not exist` });
  if (errors.length > 0 || ds === null) throw invalid(errors);
  // An unsaved KPI has no history under any id: a placeholder id makes the baseline come from backfill.
  const kpi: Kpi = { ...fields, id: current?.id ?? 'kpi_unsaved', version: current?.version ?? 0, createdAt: current?.createdAt ?? now, updatedAt: now };
  const evaluation = await evaluateKpi(deps, kpi, ds, { trigger: 'manual', windowEnd: now });
  const messages = evaluation.result.series.flatMap((s) => {
    if (s.value === null) return [];
    const m = previewMessage(kpi, { value: s.value, baseline: s.baseline, deviationPercent: s.deviationPercent, key: s.key ?? undefined, band: s.band }, opts.link, now);
    return [{ key: s.key, subject: m.subject, body: m.body, sms: m.sms, severity: m.severity }];
  });
  return { evaluation, messages };
}

// The API's shapes as the dashboard reads them: named views of generated.ts, which `npm run api:types`
// writes from the service's OpenAPI document (see /api/docs), so they cannot drift from the routes.
import type { ApiBody, ApiResponse } from './generated.ts';

type Item<T> = T extends { items: (infer I)[] } ? I : never;

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** GET /kpis/overview */
export type Tile = Item<ApiResponse<'/api/v1/kpis/overview', 'get'>>;
export type TileStatus = Tile['status'];

/** Every field of a KPI the editor sets (POST /kpis, with nothing left to a default). */
export type KpiFields = Required<ApiBody<'/api/v1/kpis', 'post'>>;
export type Kpi = ApiResponse<'/api/v1/kpis/{id}', 'get'>;
export type Sensitivity = NonNullable<Kpi['sensitivity']>;

export type ExecutionRecord = Item<ApiResponse<'/api/v1/kpis/{id}/executions', 'get'>>;
/**
 * One rule a value broke. `band`: limit = the band edge crossed, value = the value; `deviation`: both
 * in %; thresholds: the threshold and the value. `direction` (drop or spike) for band and deviation.
 */
export type BreachReason = NonNullable<ExecutionRecord['reasons']>[number];
/** What the rules accepted for a value; a null side is unbounded. */
export type Band = NonNullable<ExecutionRecord['band']>;
/** What a judgement's baseline and band stood on. */
export type Basis = NonNullable<ExecutionRecord['basis']>;

/** POST /kpis/{id}/execute (dryRun or not) */
export type Evaluation = ApiResponse<'/api/v1/kpis/{id}/execute', 'post'>;
export type SeriesResult = Evaluation['series'][number];
/** POST /kpis/test */
export type DefinitionTest = ApiResponse<'/api/v1/kpis/test', 'post'>;

export type Alert = Item<ApiResponse<'/api/v1/alerts', 'get'>>;
export type Silence = ApiResponse<'/api/v1/silences/{id}', 'get'>;
export type AuditEntry = Item<ApiResponse<'/api/v1/audittrail/search', 'post'>>;

/** Anything listed by id and name (contacts, data sources, channels) for a picker. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

/** POST /kpis/{id}/backtest, GET /kpis/{id}/backtest/{jobId}, and the `backtest` of POST /kpis/test with days. */
export type BacktestJob = ApiResponse<'/api/v1/kpis/{id}/backtest/{jobId}', 'get'>;
/** One rule's backtest: what it would have done over the replayed windows. */
export type RuleBacktest = NonNullable<BacktestJob['current']>;
export type BacktestPoint = RuleBacktest['points'][number];

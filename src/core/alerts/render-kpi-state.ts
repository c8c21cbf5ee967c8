import type { Kpi } from '../kpis/kpi.ts';
import type { Message } from './render.ts';
import type { Severity } from './severity.ts';

// Messages of the alerts about a KPI as a whole: not templated, as the numbers templates show do not exist.

export const renderNoData = (kpi: Pick<Kpi, 'indicator' | 'owner' | 'lastMinutes'>, severity: Severity, at: Date, link: string): Message => ({
  subject: `[${severity}] No data: ${kpi.indicator} returned no rows`,
  body: `The query of ${kpi.indicator} (owner ${kpi.owner}) returned no rows for the last ${kpi.lastMinutes} minutes at ${at.toISOString()}, ` +
    `and its noDataPolicy says that is a breach. It resolves when a run returns rows again. ${link}`,
});

export const renderStale = (kpi: Pick<Kpi, 'indicator' | 'owner'>, severity: Severity, since: Date, link: string): Message => ({
  subject: `[${severity}] Stale: ${kpi.indicator} has not run since ${since.toISOString()}`,
  body: `${kpi.indicator} (owner ${kpi.owner}) is active and has not run for more than two of its periods (last run or change ${since.toISOString()}): ` +
    `it is not being watched. Is the scheduler running? It resolves when the KPI runs again. ${link}`,
});

import type { ContactInput } from '../../src/core/contacts/contact.ts';
import type { DataSourceInput } from '../../src/core/datasources/datasource.ts';
import type { KpiInput } from '../../src/core/kpis/kpi.ts';

let n = 0;
const unique = (): string => `${Date.now().toString(36)}${(n++).toString(36)}`;

export const buildDataSource = (o: DataSourceInput = {}): DataSourceInput => ({
  // Port 1: nothing listens, so inspection cannot reach it (accepted) and no test touches a real server by accident.
  name: `replica-${unique()}`, kind: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'monitor', ...o,
});

export const buildContact = (o: ContactInput = {}): ContactInput => ({
  name: `Contact ${unique()}`, email: `ops-${unique()}@example.com`, phone: '+4915112345678', ...o,
});

/** Needs the ids of an existing data source (and contacts, if any). */
export const buildKpi = (o: KpiInput & { dataSourceId: string }): KpiInput & { dataSourceId: string } => ({
  indicator: `Deposits ${unique()}`, owner: 'payments', priority: 2, frequencyMinutes: 5,
  query: 'SELECT count(*) AS value FROM account_transactions', contactIds: [], ...o,
});

import { createContact } from '../../core/contacts/contact-commands.ts';
import { createDataSource } from '../../core/datasources/datasource-commands.ts';
import { createKpi } from '../../core/kpis/kpi-commands.ts';
import type { KpiInput } from '../../core/kpis/kpi.ts';
import type { CommandDeps, EventMeta } from '../../core/ports.ts';

export const DEMO_DATA_SOURCE = 'Demo payments (SQLite)';
const WINDOW = 'updated_at > :windowStart AND updated_at <= :windowEnd';

/** The demo's KPIs, one per result shape of the query contract. */
export const DEMO_KPIS: readonly Omit<KpiInput, 'dataSourceId' | 'contactIds'>[] = [
  {
    indicator: 'Demo: deposits in the last 5 minutes',
    owner: 'payments',
    priority: 1,
    frequencyMinutes: 1,
    lastMinutes: 5,
    // A rule of one's own instead of the adaptive band: a 50 % drop against the seasonal baseline, at once.
    sensitivity: null,
    deviationPercent: 50,
    direction: 'drop',
    pendingExecutions: 1,
    cooldownMinutes: 30,
    query: `SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND ${WINDOW}`,
  },
  {
    indicator: 'Demo: transaction success rate',
    owner: 'payments',
    priority: 2,
    frequencyMinutes: 1,
    lastMinutes: 10,
    // The adaptive band (default sensitivity), and never under 80 % whatever the band says.
    direction: 'drop',
    minThreshold: 80,
    query: `SELECT type AS ItemName, count(*) AS Total, sum(done) AS Successful FROM account_transactions WHERE ${WINDOW} GROUP BY type`,
  },
  {
    indicator: 'Demo: deposits per country',
    owner: 'payments',
    priority: 2,
    frequencyMinutes: 5,
    lastMinutes: 15,
    // The adaptive band per country, drops only.
    direction: 'drop',
    query: `SELECT country AS key, count(*) AS value FROM account_transactions WHERE type = 'deposit' AND ${WINDOW} GROUP BY country`,
  },
];

const DEMO_CONTACTS = [
  { name: 'Demo: payments on-call', email: 'oncall@payments.example', phone: '+4915100000001' },
  { name: 'Demo: head of payments', email: 'head@payments.example', phone: null },
];

/**
 * Creates the demo data source, contacts and KPIs through the ordinary commands (so they have events
 * and an audit trail like anything an operator creates), unless they exist already. Idempotent.
 */
export async function ensureDemoEntities(deps: CommandDeps, demoFile: string, meta: EventMeta): Promise<{ created: number }> {
  let created = 0;
  const read = deps.uow.read;
  let ds = await read.dataSources.findByName(DEMO_DATA_SOURCE);
  if (ds === null) {
    ds = await createDataSource(deps, { name: DEMO_DATA_SOURCE, kind: 'sqlite', filePath: demoFile, statementTimeoutMs: 10_000 }, meta);
    created++;
  }
  const contactIds: string[] = [];
  const existing = (await read.contacts.list({ q: 'Demo:', limit: 50 })).items;
  for (const c of DEMO_CONTACTS) {
    const found = existing.find((e) => e.name === c.name);
    if (found) contactIds.push(found.id);
    else {
      contactIds.push((await createContact(deps, c, meta)).id);
      created++;
    }
  }
  for (const kpi of DEMO_KPIS) {
    if ((await read.kpis.findByIndicator(kpi.indicator!)) !== null) continue;
    await createKpi(deps, { ...kpi, dataSourceId: ds.id, contactIds }, meta);
    created++;
  }
  return { created };
}

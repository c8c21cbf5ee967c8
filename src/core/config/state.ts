import type { Contact, ContactFields } from '../contacts/contact.ts';
import type { DataSource, DataSourceFields } from '../datasources/datasource.ts';
import type { Kpi, KpiFields } from '../kpis/kpi.ts';
import { KPI_FIELDS } from '../kpis/kpi.ts';
import type { Page, TxPorts } from '../ports.ts';
import type { ConfigDocument, Entry } from './document.ts';
import { FILE_VERSION, SECTIONS, STORED_PASSWORD } from './fields.ts';

/** The configuration as the store holds it: every data source, contact and KPI. */
export interface ConfigState {
  readonly dataSources: readonly DataSource[];
  readonly contacts: readonly Contact[];
  readonly kpis: readonly Kpi[];
}

async function listAll<T>(list: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

/** Reads the whole configuration through the ports of one transaction (or the read side). */
export async function loadConfigState(tx: TxPorts): Promise<ConfigState> {
  const limit = 500;
  return {
    dataSources: await listAll((cursor) => tx.dataSources.list({ cursor, limit })),
    contacts: await listAll((cursor) => tx.contacts.list({ cursor, limit })),
    kpis: await listAll((cursor) => tx.kpis.list({ cursor, limit })),
  };
}

/** The file's fields of a data source: `password: stored` where one is stored, never the password. */
export function dataSourceEntry(ds: DataSourceFields, hasPassword: boolean): Entry {
  const { password: _p, ...fields } = SECTIONS.dataSources.fields;
  const entry: Record<string, unknown> = {};
  for (const f of Object.keys(fields)) entry[f] = ds[f as keyof DataSourceFields];
  if (hasPassword) entry.password = STORED_PASSWORD;
  return entry;
}

export const contactEntry = (c: ContactFields): Entry => ({ name: c.name, email: c.email, phone: c.phone, active: c.active });

/**
 * A KPI whose `dataSourceId` and `contactIds` hold names (the file's terms) as its file entry, in the
 * order of the section's fields. Contact names are sorted: their order means nothing.
 */
export function kpiEntry(k: KpiFields): Entry {
  const entry: Record<string, unknown> = {};
  for (const f of Object.keys(SECTIONS.kpis.fields)) {
    if (f === 'dataSource') entry.dataSource = k.dataSourceId;
    else if (f === 'contacts') entry.contacts = [...k.contactIds].sort();
    else entry[f] = k[f as (typeof KPI_FIELDS)[number]];
  }
  return entry;
}

/** Gives a KPI the names of its data source and contacts in place of their ids (the file's terms). */
export function kpiNamer(state: ConfigState): (k: KpiFields) => KpiFields {
  const dsName = new Map(state.dataSources.map((d) => [d.id, d.name]));
  const contactName = new Map(state.contacts.map((c) => [c.id, c.name]));
  return (k) => ({
    ...k,
    dataSourceId: dsName.get(k.dataSourceId) ?? k.dataSourceId,
    contactIds: k.contactIds.map((id) => contactName.get(id) ?? id).sort(),
  });
}

const byName = <T>(key: (t: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The configuration file of the store: names instead of ids, no secrets, sorted by name. */
export function exportDocument(state: ConfigState): ConfigDocument {
  const byNames = kpiNamer(state);
  return {
    version: FILE_VERSION,
    dataSources: [...state.dataSources].sort(byName((d) => d.name)).map((d) => dataSourceEntry(d, d.sealedPassword !== null)),
    contacts: [...state.contacts].sort(byName((c) => c.name)).map(contactEntry),
    kpis: [...state.kpis].sort(byName((k) => k.indicator)).map((k) => kpiEntry(byNames(k))),
  };
}

import type { FieldError } from '../errors.ts';
import { contactFromInput, validateContact, type ContactFields } from '../contacts/contact.ts';
import { dataSourceFromInput, validateDataSource, type DataSourceFields, type DataSourceInput } from '../datasources/datasource.ts';
import { kpiFromInput, validateKpi, type KpiFields, type KpiInput } from '../kpis/kpi.ts';
import type { Entry, LocatedEntry, ReadDocument } from './document.ts';
import { STORED_PASSWORD } from './fields.ts';
import type { ConfigState } from './state.ts';

/** One entry of the file as the entity it asks for, defaults filled; `at` is where the file gives it. */
export interface Desired<T> {
  readonly at: string;
  readonly name: string;
  readonly fields: T;
}

export interface DesiredDataSource extends Desired<DataSourceFields> {
  /** `password: stored`: keep the password stored in this environment. */
  readonly keepPassword: boolean;
}

/** The file's configuration; a KPI's `dataSourceId` and `contactIds` hold names, not ids. */
export interface DesiredState {
  readonly dataSources: readonly DesiredDataSource[];
  readonly contacts: readonly Desired<ContactFields>[];
  readonly kpis: readonly Desired<KpiFields>[];
}

export interface ResolveOptions {
  /** Entities the file does not name will be deleted: they cannot be referred to. */
  readonly prune: boolean;
  readonly now: Date;
}

const FILE_FIELD_OF: Record<string, string> = { '/dataSourceId': '/dataSource', '/contactIds': '/contacts' };

/** Domain errors (path /query, /dataSourceId) as the file's (path /kpis/3/query, /kpis/3/dataSource). */
export const located = (at: string, errors: readonly FieldError[]): FieldError[] =>
  errors.map((e) => ({ path: `${at}${FILE_FIELD_OF[e.path] ?? e.path}`, message: e.message }));

function dataSources(items: readonly LocatedEntry[], state: ConfigState, errors: FieldError[]): DesiredDataSource[] {
  const stored = new Map(state.dataSources.map((d) => [d.name, d]));
  return items.map(({ at, entry, complete }) => {
    const { password, ...input } = entry as DataSourceInput & { password?: string | null };
    const fields = dataSourceFromInput(input);
    const keepPassword = password === STORED_PASSWORD;
    if (complete) errors.push(...located(at, validateDataSource(fields, keepPassword)));
    if (keepPassword && !stored.get(fields.name)?.sealedPassword) {
      errors.push({ path: `${at}/password`, message: `no password is stored for data source ${fields.name} here: give passwordEnv, or store the password through the API first` });
    }
    return { at, name: fields.name, fields, keepPassword };
  });
}

function contacts(items: readonly LocatedEntry[], errors: FieldError[]): Desired<ContactFields>[] {
  return items.map(({ at, entry, complete }) => {
    const fields = contactFromInput(entry as Partial<ContactFields>);
    if (complete) errors.push(...located(at, validateContact(fields)));
    return { at, name: fields.name, fields };
  });
}

/** What a KPI may refer to: what the file names, and what the store keeps (all of it unless pruning). */
function referable(read: ReadDocument, state: ConfigState, prune: boolean) {
  const names = (file: ReadonlySet<string>, store: readonly string[]) => new Set([...file, ...(prune ? [] : store)]);
  return {
    dataSources: names(read.names.dataSources, state.dataSources.map((d) => d.name)),
    contacts: names(read.names.contacts, state.contacts.map((c) => c.name)),
  };
}

function kpis(read: ReadDocument, state: ConfigState, files: readonly DesiredDataSource[], opts: ResolveOptions, errors: FieldError[]): Desired<KpiFields>[] {
  const known = referable(read, state, opts.prune);
  const inFile = new Map(files.map((d) => [d.name, d.fields]));
  const inStore = new Map(state.dataSources.map((d) => [d.name, d]));
  const stored = new Map(state.kpis.map((k) => [k.indicator, k]));
  const sourceOf = (name: string) => inFile.get(name) ?? (opts.prune ? undefined : inStore.get(name));
  return read.entries.kpis.map(({ at, entry, complete }) => {
    // A field the reader refused is absent here (and the file is refused anyway).
    const { dataSource, contacts: names, ...rest } = entry as Entry & { dataSource?: string; contacts?: string[] };
    const input: KpiInput = { ...(rest as KpiInput), dataSourceId: (dataSource ?? '').trim(), contactIds: (names ?? []).map((n) => n.trim()) };
    const fields = withStoredWindow(kpiFromInput(input, opts.now), rest.lastMinutes === undefined ? stored.get(input.indicator?.trim() ?? '') : undefined);
    if (complete) errors.push(...located(at, validateKpi(fields, sourceOf(fields.dataSourceId) ?? null)));
    if (!known.dataSources.has(fields.dataSourceId)) {
      errors.push({ path: `${at}/dataSource`, message: `no data source named ${JSON.stringify(fields.dataSourceId)}${opts.prune ? ' in the file' : ' in the file or the store'}` });
    }
    (names ?? []).forEach((n, i) => {
      if (!known.contacts.has(n.trim())) errors.push({ path: `${at}/contacts/${i}`, message: `no contact named ${JSON.stringify(n)}${opts.prune ? ' in the file' : ' in the file or the store'}` });
    });
    return { at, name: fields.indicator, fields: { ...fields, contactIds: [...fields.contactIds].sort() } };
  });
}

/**
 * A KPI whose file entry leaves lastMinutes out keeps the stored window while its schedule stays (as a
 * PATCH does): a cron's period depends on the day it is measured (Friday to Monday is three days).
 */
function withStoredWindow(k: KpiFields, current: KpiFields | undefined): KpiFields {
  const sameSchedule = current !== undefined && current.frequencyMinutes === k.frequencyMinutes && current.cron === k.cron && current.timezone === k.timezone;
  return sameSchedule ? { ...k, lastMinutes: current.lastMinutes } : k;
}

/**
 * The file's entries as the entities they ask for, with every problem that the rules of each entity and
 * the references between them find (paths into the file). Checked with the same rules as the API's.
 */
export function resolveDesired(read: ReadDocument, state: ConfigState, opts: ResolveOptions): { desired: DesiredState; errors: FieldError[] } {
  const found: FieldError[] = [];
  const ds = dataSources(read.entries.dataSources, state, found);
  const desired: DesiredState = { dataSources: ds, contacts: contacts(read.entries.contacts, found), kpis: kpis(read, state, ds, opts, found) };
  return { desired, errors: [...read.errors, ...found.filter((e) => !read.errors.some((r) => related(r.path, e.path)))] };
}

/** A problem of a field the reader refused already (a missing query is not also an empty one). */
const related = (a: string, b: string): boolean => a === b || b.startsWith(`${a}/`) || a.startsWith(`${b}/`);

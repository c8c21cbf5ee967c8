import { diffFields, hasChanges, type Changes } from '../shared/changes.ts';
import type { Entry } from './document.ts';
import type { Desired, DesiredDataSource, DesiredState } from './desired.ts';
import { SECTIONS, SECTION_ORDER, type SectionName } from './fields.ts';
import { contactEntry, dataSourceEntry, kpiEntry, kpiNamer, type ConfigState } from './state.ts';

export type ChangeAction = 'create' | 'update' | 'delete';
export type ChangeKind = 'dataSource' | 'contact' | 'kpi';

/**
 * One change a file makes, in the file's terms: the entity's name, and for each field that changes its
 * old and new value (a create: every field that is not null; a delete: none). `at` is the entry's place
 * in the file (a JSON pointer); a delete has none.
 */
export interface Change {
  readonly action: ChangeAction;
  readonly kind: ChangeKind;
  readonly name: string;
  readonly at: string | null;
  readonly changes: Changes;
}

/** A change and what carrying it out needs: the entity's id and version (update, delete), the fields asked for. */
export interface Step extends Change {
  readonly id: string | null;
  readonly version: number | null;
  readonly desired: Desired<unknown> | null;
}

const KIND_OF: Record<SectionName, ChangeKind> = { dataSources: 'dataSource', contacts: 'contact', kpis: 'kpi' };

interface Current {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly entry: Entry;
}

function currentOf(section: SectionName, state: ConfigState): Current[] {
  switch (section) {
    case 'dataSources':
      return state.dataSources.map((d) => ({ id: d.id, version: d.version, name: d.name, entry: dataSourceEntry(d, d.sealedPassword !== null) }));
    case 'contacts':
      return state.contacts.map((c) => ({ id: c.id, version: c.version, name: c.name, entry: contactEntry(c) }));
    case 'kpis': {
      const byNames = kpiNamer(state);
      return state.kpis.map((k) => ({ id: k.id, version: k.version, name: k.indicator, entry: kpiEntry(byNames(k)) }));
    }
  }
}

function desiredEntry(section: SectionName, d: Desired<unknown>): Entry {
  switch (section) {
    case 'dataSources':
      return dataSourceEntry((d as DesiredDataSource).fields, (d as DesiredDataSource).keepPassword);
    case 'contacts':
      return contactEntry((d as DesiredState['contacts'][number]).fields);
    case 'kpis':
      return kpiEntry((d as DesiredState['kpis'][number]).fields);
  }
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function createsAndUpdates(section: SectionName, desired: readonly Desired<unknown>[], current: readonly Current[]): Step[] {
  const fields = Object.keys(SECTIONS[section].fields);
  const stored = new Map(current.map((c) => [c.name, c]));
  const kind = KIND_OF[section];
  const steps: Step[] = [];
  for (const d of [...desired].sort(byName)) {
    const after = desiredEntry(section, d);
    const before = stored.get(d.name);
    if (before === undefined) {
      const changes = diffFields({} as Entry, after, fields.filter((f) => after[f] !== null && after[f] !== undefined));
      steps.push({ action: 'create', kind, name: d.name, at: d.at, changes, id: null, version: null, desired: d });
      continue;
    }
    const changes = diffFields(before.entry, after, fields);
    if (hasChanges(changes)) steps.push({ action: 'update', kind, name: d.name, at: d.at, changes, id: before.id, version: before.version, desired: d });
  }
  return steps;
}

function deletes(section: SectionName, desired: readonly Desired<unknown>[], current: readonly Current[]): Step[] {
  const named = new Set(desired.map((d) => d.name));
  return current.filter((c) => !named.has(c.name)).sort(byName)
    .map((c) => ({ action: 'delete', kind: KIND_OF[section], name: c.name, at: null, changes: {}, id: c.id, version: c.version, desired: null }));
}

/**
 * The steps from the store's configuration to the file's, in the order they can be carried out: data
 * sources, contacts, KPIs created and updated (each by name); then, only when pruning, what the file
 * does not name deleted, KPIs first. Nothing to do = no steps.
 */
export function planSteps(state: ConfigState, desired: DesiredState, prune: boolean): Step[] {
  const steps = SECTION_ORDER.flatMap((s) => createsAndUpdates(s, desired[s], currentOf(s, state)));
  if (prune) steps.push(...[...SECTION_ORDER].reverse().flatMap((s) => deletes(s, desired[s], currentOf(s, state))));
  return steps;
}

export const publicChange = ({ action, kind, name, at, changes }: Change): Change => ({ action, kind, name, at, changes });

/**
 * A short fingerprint of a plan (cyrb53's two 32-bit lanes, hex): apply compares it with the plan the
 * caller reviewed, so that what is applied is what was shown. Not a security measure.
 */
export function planId(changes: readonly Change[]): string {
  const text = JSON.stringify(changes.map(publicChange));
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}`;
}

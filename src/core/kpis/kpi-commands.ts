import { conflict, invalid } from '../errors.ts';
import { streamIds, type DomainEvent } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import type { FieldError } from '../errors.ts';
import type { DataSource } from '../datasources/datasource.ts';
import { diffKpi, kpiFromInput, validateKpi, type Kpi, type KpiFields, type KpiInput } from './kpi.ts';

async function referenceErrors(tx: TxPorts, k: KpiFields, ds: DataSource | null): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (k.dataSourceId && ds === null) {
    errors.push({ path: '/dataSourceId', message: `data source ${k.dataSourceId} does not exist` });
  }
  const found = new Set((await tx.contacts.getMany(k.contactIds)).map((c) => c.id));
  const missing = k.contactIds.filter((id) => !found.has(id));
  if (missing.length > 0) errors.push({ path: '/contactIds', message: `unknown contact${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
  return errors;
}

async function checkIndicatorFree(tx: TxPorts, indicator: string, selfId?: string): Promise<void> {
  const other = await tx.kpis.findByIndicator(indicator);
  if (other !== null && other.id !== selfId) throw conflict(`a KPI named ${indicator} exists already`, { id: other.id });
}

async function validateAll(tx: TxPorts, fields: KpiFields): Promise<void> {
  const ds = fields.dataSourceId ? await tx.dataSources.get(fields.dataSourceId) : null;
  const errors = [...validateKpi(fields, ds), ...(await referenceErrors(tx, fields, ds))];
  if (errors.length > 0) throw invalid(errors);
}

const loadKpi = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<Kpi> =>
  loadForChange((x) => tx.kpis.get(x), 'KPI', id, expectedVersion);

export async function createKpi(deps: CommandDeps, input: KpiInput, meta: EventMeta): Promise<Kpi> {
  const now = deps.clock.now();
  const fields = kpiFromInput(input, now);
  return deps.uow.run(async (tx) => {
    await validateAll(tx, fields);
    await checkIndicatorFree(tx, fields.indicator);
    const kpi: Kpi = { ...fields, id: deps.ids.next('kpi'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.kpi(kpi.id), 'no_stream', [{ type: 'KpiCreated', data: { id: kpi.id, kpi: fields } }], meta);
    await tx.kpis.insert(kpi);
    return kpi;
  });
}

/** Applies a partial change. No change at all appends nothing and keeps the version. */
export async function updateKpi(deps: CommandDeps, id: string, patch: KpiInput, expectedVersion: number | undefined, meta: EventMeta): Promise<Kpi> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadKpi(tx, id, expectedVersion);
    const next = kpiFromInput(patch, now, current);
    const changes = diffKpi(current, next);
    if (!hasChanges(changes)) return current;
    await validateAll(tx, next);
    if (next.indicator !== current.indicator) await checkIndicatorFree(tx, next.indicator, id);
    const events: DomainEvent[] = [{ type: 'KpiUpdated', data: { id, changes } }];
    const version = await tx.events.append(streamIds.kpi(id), current.version, events, meta);
    const updated: Kpi = { ...current, ...next, version, updatedAt: now };
    await tx.kpis.update(updated);
    return updated;
  });
}

export async function setKpiActive(deps: CommandDeps, id: string, active: boolean, expectedVersion: number | undefined, meta: EventMeta): Promise<Kpi> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadKpi(tx, id, expectedVersion);
    if (current.active === active) return current;
    const event: DomainEvent = active ? { type: 'KpiActivated', data: { id } } : { type: 'KpiDeactivated', data: { id } };
    const version = await tx.events.append(streamIds.kpi(id), current.version, [event], meta);
    const updated: Kpi = { ...current, active, version, updatedAt: now };
    await tx.kpis.update(updated);
    return updated;
  });
}

export async function deleteKpi(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadKpi(tx, id, expectedVersion);
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...fields } = current;
    await tx.events.append(streamIds.kpi(id), current.version, [{ type: 'KpiDeleted', data: { id, kpi: fields } }], meta);
    await tx.kpis.remove(id);
  });
}

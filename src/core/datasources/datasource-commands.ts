import { conflict, invalid } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges, type Changes } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { dataSourceFromInput, diffDataSource, validateDataSource, type DataSource, type DataSourceInput } from './datasource.ts';

const loadDataSource = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<DataSource> =>
  loadForChange((x) => tx.dataSources.get(x), 'data source', id, expectedVersion);

async function checkNameFree(tx: TxPorts, name: string, selfId?: string): Promise<void> {
  const other = await tx.dataSources.findByName(name);
  if (other !== null && other.id !== selfId) throw conflict(`a data source named ${name} exists already`, { id: other.id });
}

export async function createDataSource(deps: CommandDeps, input: DataSourceInput, meta: EventMeta): Promise<DataSource> {
  const now = deps.clock.now();
  const fields = dataSourceFromInput(input);
  const password = input.password ?? null;
  const errors = validateDataSource(fields, password !== null);
  if (errors.length > 0) throw invalid(errors);
  const sealedPassword = password === null ? null : deps.secrets.seal(password);
  return deps.uow.run(async (tx) => {
    await checkNameFree(tx, fields.name);
    const ds: DataSource = { ...fields, id: deps.ids.next('dataSource'), sealedPassword, version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.dataSource(ds.id), 'no_stream', [{ type: 'DataSourceCreated', data: { id: ds.id, dataSource: fields, sealedPassword } }], meta);
    await tx.dataSources.insert(ds);
    return ds;
  });
}

/** `password: null` removes the stored password; leaving it out keeps it. Setting passwordEnv drops a stored one. */
export async function updateDataSource(deps: CommandDeps, id: string, patch: DataSourceInput, expectedVersion: number | undefined, meta: EventMeta): Promise<DataSource> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await loadDataSource(tx, id, expectedVersion);
    const next = dataSourceFromInput(patch, current);
    let sealedPassword = current.sealedPassword;
    if (patch.password !== undefined) sealedPassword = patch.password === null ? null : deps.secrets.seal(patch.password);
    else if (patch.passwordEnv) sealedPassword = null;
    const changes: Changes = diffDataSource(current, next);
    const passwordChanged = patch.password !== undefined || sealedPassword !== current.sealedPassword;
    if (passwordChanged) changes.password = { from: current.sealedPassword ? 'set' : 'unset', to: sealedPassword ? (current.sealedPassword ? 'changed' : 'set') : 'unset' };
    if (!hasChanges(changes)) return current;
    const errors = validateDataSource(next, sealedPassword !== null);
    if (errors.length > 0) throw invalid(errors);
    if (next.name !== current.name) await checkNameFree(tx, next.name, id);
    const data = passwordChanged ? { id, changes, sealedPassword } : { id, changes };
    const version = await tx.events.append(streamIds.dataSource(id), current.version, [{ type: 'DataSourceUpdated', data }], meta);
    const updated: DataSource = { ...current, ...next, sealedPassword, version, updatedAt: now };
    await tx.dataSources.update(updated);
    return updated;
  });
}

export async function deleteDataSource(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await loadDataSource(tx, id, expectedVersion);
    const users = await tx.kpis.referencing({ dataSourceId: id });
    if (users.length > 0) throw conflict(`data source ${id} is used by KPIs ${users.join(', ')}`, { kpiIds: users });
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, sealedPassword: _s, ...fields } = current;
    await tx.events.append(streamIds.dataSource(id), current.version, [{ type: 'DataSourceDeleted', data: { id, dataSource: fields } }], meta);
    await tx.dataSources.remove(id);
  });
}

import { AppError, conflict, invalid, type FieldError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges, type Changes } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { dataSourceFromInput, diffDataSource, validateDataSource, type DataSource, type DataSourceFields, type DataSourceInput } from './datasource.ts';
import { judgeInspection, PRIVILEGED_HINT, type DataSourceInspector } from './inspection.ts';

/** How a change is checked against the source itself and against the caller's rights. */
export interface DataSourceGuard {
  /** Inspects the changed data source before it is stored; without one only each run inspects it. */
  readonly inspector?: DataSourceInspector | undefined;
  /** May the caller set allowPrivilegedUser (admin:*)? */
  readonly mayAllowPrivileged: boolean;
}

const CONNECTION_FIELDS = ['kind', 'host', 'port', 'database', 'user', 'passwordEnv', 'filePath', 'ssl'] as const satisfies readonly (keyof DataSourceFields)[];

const adminOnly = (why: string): AppError => new AppError('forbidden', `only an administrator (admin:*) may ${why}`);

/**
 * Refuses what the source's inspection refuses (400 naming the privilege or the file); a source that
 * cannot be reached now is accepted, and every run inspects it again before its query.
 */
async function checkInspection(ds: DataSource, guard: DataSourceGuard): Promise<void> {
  if (guard.inspector === undefined) return;
  const r = await guard.inspector.inspect(ds);
  if (!r.reachable) return;
  const { errors } = judgeInspection(r.inspection, ds.allowPrivilegedUser);
  if (errors.length === 0) return;
  const fieldErrors: FieldError[] = errors.map((e) => (r.inspection.refused.includes(e)
    ? { path: '/filePath', message: e }
    : { path: '/user', message: `${e}; ${PRIVILEGED_HINT}` }));
  throw invalid(fieldErrors);
}

const loadDataSource = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<DataSource> =>
  loadForChange((x) => tx.dataSources.get(x), 'data source', id, expectedVersion);

async function checkNameFree(tx: TxPorts, name: string, selfId?: string): Promise<void> {
  const other = await tx.dataSources.findByName(name);
  if (other !== null && other.id !== selfId) throw conflict(`a data source named ${name} exists already`, { id: other.id });
}

export async function createDataSource(deps: CommandDeps, input: DataSourceInput, meta: EventMeta, guard: DataSourceGuard = { mayAllowPrivileged: true }): Promise<DataSource> {
  const now = deps.clock.now();
  const fields = dataSourceFromInput(input);
  if (fields.allowPrivilegedUser && !guard.mayAllowPrivileged) throw adminOnly('set allowPrivilegedUser');
  const password = input.password ?? null;
  const errors = validateDataSource(fields, password !== null);
  if (errors.length > 0) throw invalid(errors);
  const sealedPassword = password === null ? null : deps.secrets.seal(password);
  const id = deps.ids.next('dataSource');
  await checkInspection({ ...fields, id, sealedPassword, version: 1, createdAt: now, updatedAt: now }, guard);
  return deps.uow.run(async (tx) => {
    await checkNameFree(tx, fields.name);
    const ds: DataSource = { ...fields, id, sealedPassword, version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.dataSource(ds.id), 'no_stream', [{ type: 'DataSourceCreated', data: { id: ds.id, dataSource: fields, sealedPassword } }], meta);
    await tx.dataSources.insert(ds);
    return ds;
  });
}

/** `password: null` removes the stored password; leaving it out keeps it. Setting passwordEnv drops a stored one. */
/** The data source after a patch, its changes and its sealed password; nothing stored. */
function applyPatch(deps: CommandDeps, current: DataSource, patch: DataSourceInput) {
  const next = dataSourceFromInput(patch, current);
  let sealedPassword = current.sealedPassword;
  if (patch.password !== undefined) sealedPassword = patch.password === null ? null : deps.secrets.seal(patch.password);
  else if (patch.passwordEnv) sealedPassword = null;
  const changes: Changes = diffDataSource(current, next);
  const passwordChanged = patch.password !== undefined || sealedPassword !== current.sealedPassword;
  if (passwordChanged) changes.password = { from: current.sealedPassword ? 'set' : 'unset', to: sealedPassword ? (current.sealedPassword ? 'changed' : 'set') : 'unset' };
  return { next, sealedPassword, changes, passwordChanged };
}

/**
 * Only an administrator changes allowPrivilegedUser, or where a data source that has it connects:
 * the acceptance was given for that user on that server, not for whatever it is pointed at next.
 */
function checkPrivilegeChange(current: DataSource, next: DataSourceFields, passwordChanged: boolean, guard: DataSourceGuard): void {
  if (guard.mayAllowPrivileged) return;
  if (next.allowPrivilegedUser !== current.allowPrivilegedUser) throw adminOnly('change allowPrivilegedUser');
  const moved = passwordChanged || CONNECTION_FIELDS.some((f) => next[f] !== current[f]);
  if (current.allowPrivilegedUser && moved) throw adminOnly('change the connection of a data source that has allowPrivilegedUser');
}

export async function updateDataSource(
  deps: CommandDeps, id: string, patch: DataSourceInput, expectedVersion: number | undefined, meta: EventMeta, guard: DataSourceGuard = { mayAllowPrivileged: true },
): Promise<DataSource> {
  const now = deps.clock.now();
  // Inspected outside the transaction (it connects to the source); the version fence below makes
  // sure the stored change is the inspected one.
  const before = await loadDataSource(deps.uow.read, id, expectedVersion);
  const planned = applyPatch(deps, before, patch);
  if (hasChanges(planned.changes)) {
    checkPrivilegeChange(before, planned.next, planned.passwordChanged, guard);
    const errors = validateDataSource(planned.next, planned.sealedPassword !== null);
    if (errors.length > 0) throw invalid(errors);
    await checkInspection({ ...before, ...planned.next, sealedPassword: planned.sealedPassword }, guard);
  }
  return deps.uow.run(async (tx) => {
    const current = await loadDataSource(tx, id, before.version);
    const { next, sealedPassword, changes, passwordChanged } = planned;
    if (!hasChanges(changes)) return current;
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

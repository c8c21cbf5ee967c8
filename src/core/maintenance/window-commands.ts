import { invalid } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { CommandDeps, EventMeta, TxPorts } from '../ports.ts';
import { hasChanges } from '../shared/changes.ts';
import { loadForChange } from '../shared/versioned.ts';
import { diffWindow, windowFromInput, type MaintenanceWindow, type MaintenanceWindowFields, type MaintenanceWindowInput } from './window.ts';

const fieldsOrThrow = (r: ReturnType<typeof windowFromInput>): MaintenanceWindowFields => {
  if (Array.isArray(r)) throw invalid(r);
  return r;
};
const load = (tx: TxPorts, id: string, expectedVersion: number | undefined): Promise<MaintenanceWindow> =>
  loadForChange((x) => tx.maintenanceWindows.lock(x), 'maintenance window', id, expectedVersion);
const fieldsOf = ({ id: _i, version: _v, createdAt: _c, updatedAt: _u, ...fields }: MaintenanceWindow): MaintenanceWindowFields => fields;

export async function createMaintenanceWindow(deps: CommandDeps, input: MaintenanceWindowInput, meta: EventMeta): Promise<MaintenanceWindow> {
  const now = deps.clock.now();
  const fields = fieldsOrThrow(windowFromInput(input, meta.actor));
  return deps.uow.run(async (tx) => {
    const w: MaintenanceWindow = { ...fields, id: deps.ids.next('maintenanceWindow'), version: 1, createdAt: now, updatedAt: now };
    await tx.events.append(streamIds.maintenanceWindow(w.id), 'no_stream', [{ type: 'MaintenanceWindowCreated', data: { id: w.id, maintenanceWindow: fields } }], meta);
    await tx.maintenanceWindows.insert(w);
    return w;
  });
}

export async function updateMaintenanceWindow(deps: CommandDeps, id: string, patch: MaintenanceWindowInput, expectedVersion: number | undefined, meta: EventMeta): Promise<MaintenanceWindow> {
  const now = deps.clock.now();
  return deps.uow.run(async (tx) => {
    const current = await load(tx, id, expectedVersion);
    const next = fieldsOrThrow(windowFromInput(patch, meta.actor, current));
    const changes = diffWindow(current, next);
    if (!hasChanges(changes)) return current;
    const version = await tx.events.append(streamIds.maintenanceWindow(id), current.version, [{ type: 'MaintenanceWindowUpdated', data: { id, changes } }], meta);
    const updated: MaintenanceWindow = { ...current, ...next, version, updatedAt: now };
    await tx.maintenanceWindows.update(updated);
    return updated;
  });
}

export async function deleteMaintenanceWindow(deps: CommandDeps, id: string, expectedVersion: number | undefined, meta: EventMeta): Promise<void> {
  await deps.uow.run(async (tx) => {
    const current = await load(tx, id, expectedVersion);
    await tx.events.append(streamIds.maintenanceWindow(id), current.version, [{ type: 'MaintenanceWindowDeleted', data: { id, maintenanceWindow: fieldsOf(current) } }], meta);
    await tx.maintenanceWindows.remove(id);
  });
}

import { createContact, deleteContact, updateContact } from '../contacts/contact-commands.ts';
import type { ContactFields } from '../contacts/contact.ts';
import { createDataSource, deleteDataSource, updateDataSource, type DataSourceGuard } from '../datasources/datasource-commands.ts';
import { AppError, conflict, invalid, isAppError } from '../errors.ts';
import { createKpi, deleteKpi, updateKpi } from '../kpis/kpi-commands.ts';
import type { KpiFields } from '../kpis/kpi.ts';
import type { CommandDeps, EventMeta, TxPorts, UnitOfWork } from '../ports.ts';
import type { ReadDocument } from './document.ts';
import { located, resolveDesired, type Desired, type DesiredDataSource } from './desired.ts';
import { planId, planSteps, publicChange, type Change, type Step } from './plan.ts';
import { exportDocument, loadConfigState, type ConfigState } from './state.ts';
import type { ConfigDocument } from './document.ts';

export interface ConfigFile {
  /** The file as read (readDocument): its entries and the problems its shape has. */
  readonly read: ReadDocument;
  /** Delete what the file does not name. */
  readonly prune: boolean;
}

export interface PlanResult {
  readonly changes: Change[];
  /** Give it to apply to refuse applying anything but this plan (409 when the store changed since). */
  readonly planId: string;
}

export const exportConfig = async (deps: Pick<CommandDeps, 'uow'>): Promise<ConfigDocument> => exportDocument(await loadConfigState(deps.uow.read));

/** The steps from `state` to the file; a file with any problem is refused with all of them (validation). */
function stepsOf(state: ConfigState, file: ConfigFile, now: Date): Step[] {
  const { desired, errors } = resolveDesired(file.read, state, { prune: file.prune, now });
  if (errors.length > 0) throw invalid(errors);
  return planSteps(state, desired, file.prune);
}

const resultOf = (steps: readonly Step[]): PlanResult => ({ changes: steps.map(publicChange), planId: planId(steps) });

/** What applying the file would change; changes nothing. */
export async function planConfig(deps: Pick<CommandDeps, 'uow' | 'clock'>, file: ConfigFile): Promise<PlanResult> {
  return resultOf(stepsOf(await loadConfigState(deps.uow.read), file, deps.clock.now()));
}

/** The ordinary commands, all in the one transaction `tx`: their events and rows commit together or not at all. */
const within = (tx: TxPorts): UnitOfWork => ({ run: (work) => work(tx), read: tx });

interface Ids {
  readonly dataSources: Map<string, string>;
  readonly contacts: Map<string, string>;
}

async function runStep(deps: CommandDeps, step: Step, ids: Ids, state: ConfigState, meta: EventMeta, guard: DataSourceGuard): Promise<void> {
  const version = step.version ?? undefined;
  const id = step.id ?? '';
  if (step.action === 'delete') {
    if (step.kind === 'kpi') return deleteKpi(deps, id, version, meta);
    if (step.kind === 'contact') return deleteContact(deps, id, version, meta);
    return deleteDataSource(deps, id, version, meta);
  }
  if (step.kind === 'dataSource') {
    const d = step.desired as DesiredDataSource;
    if (step.action === 'create') ids.dataSources.set(d.name, (await createDataSource(deps, d.fields, meta, guard)).id);
    else {
      const hadPassword = state.dataSources.find((s) => s.id === id)?.sealedPassword != null;
      await updateDataSource(deps, id, { ...d.fields, ...(hadPassword && !d.keepPassword ? { password: null } : {}) }, version, meta, guard);
    }
  } else if (step.kind === 'contact') {
    const d = step.desired as Desired<ContactFields>;
    if (step.action === 'create') ids.contacts.set(d.name, (await createContact(deps, d.fields, meta)).id);
    else await updateContact(deps, id, d.fields, version, meta);
  } else {
    const { fields } = step.desired as Desired<KpiFields>;
    const input = { ...fields, dataSourceId: ids.dataSources.get(fields.dataSourceId) ?? '', contactIds: fields.contactIds.map((n) => ids.contacts.get(n) ?? n) };
    if (step.action === 'create') await createKpi(deps, input, meta);
    else await updateKpi(deps, id, input, version, meta);
  }
}

/** A command's refusal as the file's: its field paths inside the entry, its message naming the entry. */
function locate(e: unknown, step: Step): unknown {
  if (!isAppError(e)) return e;
  const entity = `${step.kind} ${JSON.stringify(step.name)}`;
  const errors = e.details?.errors;
  if (e.code === 'validation' && errors !== undefined) return invalid(located(step.at ?? '', errors));
  return new AppError(e.code, `${step.action} ${entity}: ${e.message}`, { ...e.details, at: step.at }, e);
}

/**
 * Applies the file, all or nothing, through the ordinary commands in one transaction: every change is
 * an event with `meta`'s actor and correlation id. A file that changes nothing appends nothing. With
 * `expectedPlanId`, a plan that differs from it (the store changed since) is a conflict and applies nothing.
 */
export async function applyConfig(
  deps: CommandDeps, file: ConfigFile & { expectedPlanId?: string | undefined; guard: DataSourceGuard }, meta: EventMeta,
): Promise<PlanResult> {
  return deps.uow.run(async (tx) => {
    const state = await loadConfigState(tx);
    const steps = stepsOf(state, file, deps.clock.now());
    const result = resultOf(steps);
    if (file.expectedPlanId !== undefined && file.expectedPlanId !== result.planId) {
      throw conflict('the configuration changed since that plan: review the new plan and apply it', { planId: result.planId, changes: result.changes });
    }
    const inner: CommandDeps = { ...deps, uow: within(tx) };
    const ids: Ids = {
      dataSources: new Map(state.dataSources.map((d) => [d.name, d.id])),
      contacts: new Map(state.contacts.map((c) => [c.name, c.id])),
    };
    for (const step of steps) {
      try {
        await runStep(inner, step, ids, state, meta, file.guard);
      } catch (e) {
        throw locate(e, step);
      }
    }
    return result;
  });
}

import { rulesLoader, startEscalation } from '../escalation/escalate.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import type { Silence } from '../silences/silence.ts';
import type { Alert } from './alert.ts';
import { appendToAlert, withTimer } from './alert-store.ts';
import { decideResolve, type Decision } from './decide.ts';
import { policyFor, type SeriesJudgement } from './judgement.ts';
import { queueMessage, queueNotifications, type AlertDeps } from './notify.ts';
import { openPlainAlert } from './open-plain.ts';
import type { Message } from './render.ts';
import { notifiedAt, type RunNotices } from './run-notices.ts';
import { failingSeverity } from './severity.ts';

/**
 * Dependencies: KPIs depend on their data source. The source adapters say `cannot connect: …` when the
 * source does not answer (adapters/sources, `run` and the inspection before it), and a dropped connection
 * in the driver's words (see GOING_AWAY); such a failure is the
 * source's, not the KPI's. While it lasts, the "KPI failing" alerts of its KPIs are held back and each
 * distinct owner of them gets ONE "data source unreachable" alert; the first run on the source that
 * answers resolves them all.
 */
/**
 * A source going down also shows as a connection it drops under a run (a pooled connection the server
 * ended at shutdown, a reset): the same outage, seen a moment earlier.
 */
const GOING_AWAY = /terminating connection due to administrator command|Connection terminated unexpectedly|the connection was lost|ECONNRESET|ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/i;

export const isUnreachable = (j: Pick<SeriesJudgement, 'status' | 'error'>): boolean =>
  j.status === 'failed' && ((j.error ?? '').startsWith('cannot connect') || GOING_AWAY.test(j.error ?? ''));

/** The status decision with its "KPI failing" opening held back (the failure streak still counts). */
export const holdBackFailing = (d: Decision): Decision => ({ ...d, intents: d.intents.filter((i) => i.type !== 'open') });

/** One alert per data source and owner (owners compared case-insensitively). */
export const unreachableKey = (dataSourceId: string, owner: string): string => `${dataSourceId}:${owner.trim().toLowerCase()}`;

/** Who hears of a source down for an owner: the contacts of the owner's active KPIs on it, and the owner's own. */
async function ownerAudience(tx: TxPorts, dataSourceId: string, owner: string): Promise<{ kpis: Kpi[]; contacts: Contact[] }> {
  const kpis = (await tx.kpis.list({ dataSourceId, owner, active: true, limit: 500 })).items
    .filter((k) => k.owner.trim().toLowerCase() === owner.trim().toLowerCase());
  const byId = new Map<string, Contact>();
  for (const c of await tx.contacts.getMany([...new Set(kpis.flatMap((k) => k.contactIds))])) byId.set(c.id, c);
  for (const c of await tx.alerts.ownerContacts(owner)) byId.set(c.id, c);
  return { kpis, contacts: [...byId.values()] };
}

function renderUnreachable(source: string, owner: string, kpis: readonly Kpi[], error: string | null, at: Date, link: string): Message {
  const names = kpis.map((k) => k.indicator).sort();
  return {
    subject: `[${kpis.some((k) => k.priority === 1) ? 'high' : 'medium'}] Data source unreachable: ${source} (${names.length} KPI${names.length === 1 ? '' : 's'} of ${owner})`,
    body: `The data source ${source} does not answer (${error ?? 'unknown error'}), at ${at.toISOString()}. These KPIs of ${owner} are not being watched ` +
      `until it does: ${names.slice(0, 50).join(', ')}${names.length > 50 ? ` and ${names.length - 50} more` : ''}. Their "KPI failing" alerts are held back; ` +
      `this alert resolves when the source answers again. ${link}`,
  };
}

/**
 * What a run says about its data source: a run that could not connect, once the KPI has failed K times,
 * makes sure its owner has the source's "unreachable" alert (told to the owner's audience); a run that
 * connected (succeeded, or failed for another reason) resolves every owner's "unreachable" alert of the source.
 */
export async function sourceStateOfRun(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, n: RunNotices, silences: () => Promise<readonly Silence[]>, o: { unreachable: boolean; failingDue: boolean },
): Promise<void> {
  const now = deps.clock.now();
  const first = n.run[0]!;
  const { kpi } = n;
  if (!o.unreachable) {
    if (first.status === 'timeout' || first.status === 'stuck') return; // it answered nothing either way
    await resolveUnreachable(tx, deps, meta, kpi.dataSourceId, now);
    return;
  }
  if (!o.failingDue) return;
  const key = unreachableKey(kpi.dataSourceId, kpi.owner);
  if ((await tx.alerts.lockActiveByKey(key, 'unreachable')) !== null) return;
  const source = (await tx.dataSources.get(kpi.dataSourceId))?.name ?? kpi.dataSourceId;
  const audience = await ownerAudience(tx, kpi.dataSourceId, kpi.owner);
  const priority = audience.kpis.some((k) => k.priority === 1) ? 1 : kpi.priority;
  const opening = await openPlainAlert(tx, deps, meta, { ...kpi, priority }, {
    kind: 'unreachable', key, indicator: `data source ${source}`, severity: failingSeverity(priority), executionId: first.executionId, error: first.error,
    render: (link) => renderUnreachable(source, kpi.owner, audience.kpis.length > 0 ? audience.kpis : [kpi], first.error, first.at, link),
  }, now, silences);
  let alert: Alert = opening.alert;
  if (opening.notifyNow) {
    const queued = await queueMessage(tx, deps, alert, { id: kpi.id, indicator: alert.indicator, priority, owner: kpi.owner, labels: kpi.labels }, audience.contacts, 'opened', { subject: alert.subject, body: alert.body });
    alert = notifiedAt(alert, queued, now);
  }
  alert = await startEscalation(tx, alert, kpi, rulesLoader(tx), meta);
  await tx.alerts.insert(withTimer(alert, policyFor(deps.settings.policy, kpi), kpi.cooldownMinutes));
}

async function resolveUnreachable(tx: TxPorts, deps: AlertDeps, meta: EventMeta, dataSourceId: string, now: Date): Promise<void> {
  const down = (await tx.alerts.listActive('unreachable')).filter((a) => a.key.startsWith(`${dataSourceId}:`));
  for (const candidate of down.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const current = await tx.alerts.lock(candidate.id);
    if (current === null || current.status === 'resolved') continue;
    const alert = await appendToAlert(tx, current, decideResolve(current, 'system', 'ran_again', null, now), meta);
    if (alert.openingNotified) {
      const kpi = await tx.kpis.get(alert.kpiId);
      const owner = kpi?.owner ?? alert.key.slice(dataSourceId.length + 1);
      const { contacts } = await ownerAudience(tx, dataSourceId, owner);
      await queueNotifications(tx, deps, alert, { id: alert.kpiId, indicator: alert.indicator, priority: alert.priority, owner, labels: kpi?.labels ?? {} }, contacts, 'resolved',
        `The ${alert.indicator} answers again; its KPIs are watched again.`);
    }
    await tx.alerts.update(alert);
  }
}

import { streamIds } from '../events.ts';
import type { BreachReason } from '../executions/outcome.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import { silenceFor, type Silence } from '../silences/silence.ts';
import type { AlertKind } from './alert.ts';
import type { AlertOpenedData } from './alert-events.ts';
import { evolve } from './decide.ts';
import type { AlertDeps } from './notify.ts';
import { alertLink } from './notify.ts';
import type { Message } from './render.ts';
import type { Opening } from './run-notices.ts';
import type { Severity } from './severity.ts';
import { silenceTarget } from './silencing.ts';

/** An alert about a KPI as a whole (key ''), not about a measured value: a summary, stale, no data, a source down. */
export interface PlainAlert {
  readonly kind: AlertKind;
  readonly severity: Severity;
  /** The run it came from; '' when none did (a stale KPI). */
  readonly executionId: string;
  readonly error: string | null;
  readonly reasons?: readonly BreachReason[];
  /** Default '' (the KPI as a whole); an "unreachable" alert's is `<data source id>:<owner>`. */
  readonly key?: string;
  /** What the alert is about, shown as its indicator; default the KPI's. */
  readonly indicator?: string;
  /** The message, given the alert's own link. */
  readonly render: (link: string) => Message;
}

/**
 * Appends the AlertOpened of a plain alert and returns it, not yet stored or told (the caller does both).
 * A silence that matches it holds it as any other.
 */
export async function openPlainAlert(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, kpi: Kpi, p: PlainAlert, now: Date, silences: () => Promise<readonly Silence[]>,
): Promise<Opening> {
  const id = deps.ids.next('alert');
  const key = p.key ?? '';
  const silence = silenceFor(await silences(), silenceTarget({ kpiId: kpi.id, key, priority: kpi.priority, severity: p.severity }, kpi), now);
  const data: AlertOpenedData = {
    id, kind: p.kind, kpiId: kpi.id, indicator: p.indicator ?? kpi.indicator, key, severity: p.severity, priority: kpi.priority, executionId: p.executionId,
    openedAt: now.toISOString(), value: null, baseline: null, deviationPercent: null,
    thresholds: { sensitivity: kpi.sensitivity, deviationPercent: kpi.deviationPercent, min: kpi.minThreshold, max: kpi.maxThreshold },
    band: null, reasons: [...(p.reasons ?? [])], error: p.error, ...p.render(alertLink(deps.settings, id)), notifyAt: null,
    ...(silence === null ? {} : { silenceId: silence.id, silencedUntil: silence.endsAt }),
  };
  const version = await tx.events.append(streamIds.alert(id), 'no_stream', [{ type: 'AlertOpened', data }], meta);
  return { alert: { ...evolve(null, { type: 'AlertOpened', data }), version }, notifyNow: silence === null };
}

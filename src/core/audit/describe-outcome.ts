/**
 * Sentences for what happened to a KPI and its alerts (breaches, failures, alert lifecycle, deliveries),
 * so the trail answers "why did it alert last night" in words: the numbers, the rule, who, and the note.
 */
type Data = Record<string, unknown>;

const num = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : 'none');
const pct = (v: unknown): string => (typeof v === 'number' ? `${v > 0 ? '+' : ''}${Math.round(v * 10) / 10}%` : 'no deviation');
const forKey = (key: unknown): string => (typeof key === 'string' && key !== '' ? ` for "${key}"` : '');
const noteOf = (d: Data): string => (typeof d.note === 'string' && d.note !== '' ? `, note "${d.note}"` : '');

function reasonText(r: Data): string {
  if (r.rule === 'band') return `${String(r.direction)} out of the adaptive band (${r.direction === 'drop' ? 'under' : 'over'} ${num(r.limit)})`;
  if (r.rule === 'deviation') return `${String(r.direction)} beyond the accepted ${num(r.limit)}%`;
  if (r.rule === 'min_threshold') return `below the minimum ${num(r.limit)}`;
  if (r.rule === 'max_threshold') return `above the maximum ${num(r.limit)}`;
  if (r.rule === 'no_rows') return 'no rows returned';
  return String(r.rule);
}
const reasonsOf = (d: Data): string =>
  Array.isArray(d.reasons) && d.reasons.length > 0 ? `: ${(d.reasons as Data[]).map(reasonText).join(' and ')}` : '';

const RESOLUTIONS: Record<string, string> = { auto: 'automatically, back to normal', manual: 'by hand', ran_again: 'the KPI runs again' };

const KIND_WORDS: Record<string, string> = {
  failing: '"KPI failing" ', summary: 'summary ', no_data: '"no data" ', stale: '"stale" ', unreachable: '"data source unreachable" ',
};

/** A chain's steps in words: "now team team_1 by email; after 10 minutes team team_1 by sms; after 30 minutes contact con_2". */
export function describeSteps(steps: unknown): string {
  if (!Array.isArray(steps) || steps.length === 0) return 'no steps';
  return (steps as Data[]).map((s) => {
    const when = s.afterMinutes === 0 ? 'now' : `after ${num(s.afterMinutes)} minutes`;
    const targets = Array.isArray(s.targets) ? (s.targets as Data[]).map((t) => `${String(t.type)} ${String(t.id)}${Array.isArray(t.kinds) ? ` by ${t.kinds.join(' and ')}` : ''}`) : [];
    return `${when} ${targets.join(', ')}`;
  }).join('; ');
}

const recipientsOf = (d: Data): string => {
  const list = Array.isArray(d.recipients) ? (d.recipients as Data[]) : [];
  return list.length === 0 ? 'nobody (no address of its targets could be reached)' : list.map((r) => `${String(r.address)} by ${String(r.kind)} (${String(r.via)})`).join(', ');
};

type Describe = (label: string, d: Data) => string;
const SENTENCES: Record<string, Describe> = {
  KpiBreachBegan: (label, d) => `${label} breached${forKey(d.key)}: ${num(d.value)} against a baseline of ${num(d.baseline)} (${pct(d.deviationPercent)})${reasonsOf(d)}`,
  KpiBackToNormal: (label, d) => `${label} back to normal${forKey(d.key)}: ${num(d.value)} against a baseline of ${num(d.baseline)}`,
  KpiExecutionFailed: (label, d) => `${label} failed to run (${String(d.status)}): ${String(d.error)}`,
  KpiExecutionRecovered: (label) => `${label} runs again after failing`,
  AlertOpened: (label, d) =>
    `Opened ${String(d.severity)} ${KIND_WORDS[String(d.kind)] ?? ''}${label} on KPI "${String(d.indicator)}"${forKey(d.key)}: ${String(d.subject)}`,
  AlertAcknowledged: (label, d) => `Acknowledged ${label} by ${String(d.by)}${noteOf(d)}`,
  AlertResolved: (label, d) => `Resolved ${label} ${RESOLUTIONS[String(d.resolution)] ?? String(d.resolution)}${d.resolution === 'manual' ? ` by ${String(d.by)}` : ''}${noteOf(d)}`,
  AlertEscalated: (label, d) =>
    `Escalated ${label} to the owner's contact${Array.isArray(d.contactIds) && d.contactIds.length > 1 ? 's' : ''} after ${num(d.afterMinutes)} minutes unacknowledged`,
  AlertEscalationStarted: (label, d) => `Escalation chain "${String(d.name)}" (${String(d.chainId)}) started for ${label}: ${describeSteps(d.steps)}`,
  AlertEscalationStepNotified: (label, d) =>
    `Escalated ${label}, step ${num(d.step)} of chain ${String(d.chainId)} after ${num(d.afterMinutes)} minutes unacknowledged, to ${recipientsOf(d)}`,
  AlertSilenced: (label, d) => `Silenced ${label} by silence ${String(d.silenceId)} until ${String(d.until)}: nobody is notified until then`,
  AlertUnsilenced: (label, d) => `Silence ${String(d.silenceId)} no longer holds ${label}: what it held back is sent now`,
  SilenceEnded: (label, d) => `Ended ${label} by ${String(d.by)}${noteOf(d)}`,
  SilenceExpired: (label) => `${label[0]!.toUpperCase()}${label.slice(1)} expired: its end came`,
  NotificationSent: (label, d) => `Sent the ${String(d.purpose)} notification of ${label} by ${String(d.channel)} to ${String(d.recipient)} (attempt ${num(d.attempt)})`,
  NotificationFailed: (label, d) =>
    `The ${String(d.purpose)} notification of ${label} by ${String(d.channel)} to ${String(d.recipient)} failed (attempt ${num(d.attempt)}): ${String(d.error)}; ${
      d.dead ? 'no attempt left, parked as a dead letter' : `next attempt at ${String(d.nextAttemptAt)}`}`,
};

/** The sentence for one of these events, or null for any other type. `label` names the entity ('KPI "Deposits"'). */
export function describeOutcome(type: string, label: string, data: Data): string | null {
  const describe = SENTENCES[type];
  return describe ? describe(label, data) : null;
}

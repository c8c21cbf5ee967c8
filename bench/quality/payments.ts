/**
 * Alert quality on business-like data: the demo's payments model (src/core/demo) over six simulated
 * weeks, as the demo's KPI "deposits in the last 5 minutes" run every minute with the default rule of
 * a new KPI, through the scheduler's own engine (runBacktest). Weeks 1–4 are clean; weeks 5–6 carry
 * injected incidents: drops of 20, 30, 50 and 90 % lasting 5, 10, 30 and 60 minutes at different times
 * of day, a spike, a slow 10 % drift over a day and a night without any volume. Prints false alerts
 * per week and, per incident, whether and how soon it was alerted.
 *
 *   npx tsx bench/quality/payments.ts [--rule RULE.json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { backtestKpi, runBacktest } from '../../src/core/backtest/run-backtest.ts';
import { transactionsOfMinute } from '../../src/core/demo/payments-model.ts';

const { values } = parseArgs({ options: { rule: { type: 'string' } } });
const rule = values.rule ? JSON.parse(readFileSync(values.rule, 'utf8')) : {};
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday
const WEEKS = 6;

interface Incident { readonly name: string; readonly from: number; readonly until: number; readonly factor: (t: number) => number; readonly drop: number | null }
const incidents: Incident[] = [];
const week5 = START + 4 * 7 * DAY;
const drops = [20, 30, 50, 90];
const durations = [5, 10, 30, 60];
const hours = [10, 15, 21, 3]; // business hours, afternoon peak, evening, night
let slot = 0;
for (const drop of drops) {
  for (const minutes of durations) {
    const day = Math.floor(slot / 2);
    const from = week5 + day * DAY + hours[slot % 4]! * HOUR + (slot % 2) * 30 * MIN;
    incidents.push({ name: `drop ${drop} % for ${minutes} min at ${new Date(from).toISOString().slice(5, 16).replace('T', ' ')}`, from, until: from + minutes * MIN, factor: () => 1 - drop / 100, drop });
    slot++;
  }
}
const lastDay = week5 + 9 * DAY;
incidents.push({ name: 'spike ×3 for 15 min', from: lastDay + 14 * HOUR, until: lastDay + 14 * HOUR + 15 * MIN, factor: () => 3, drop: null });
incidents.push({ name: 'drift to −10 % over a day', from: lastDay + DAY, until: lastDay + 2 * DAY, factor: (t) => 1 - (0.1 * (t - lastDay - DAY)) / DAY, drop: null });
incidents.push({ name: 'a night without volume (00:00–05:00)', from: lastDay + 3 * DAY, until: lastDay + 3 * DAY + 5 * HOUR, factor: () => 0, drop: null });

/** Deposits per minute: the model's own, thinned or multiplied during an incident (seeded, repeatable). */
function depositsOfMinute(t: number): number {
  const n = transactionsOfMinute(t).filter((x) => x.type === 'deposit').length;
  const inc = incidents.find((i) => t >= i.from && t < i.until);
  if (inc === undefined) return n;
  const f = inc.factor(t);
  const r = ((Math.sin(t / MIN) * 10_000) % 1 + 1) % 1; // a fixed fraction per minute, for rounding
  return Math.floor(n * f + r);
}

const perMinute = Array.from({ length: WEEKS * 7 * 1440 }, (_, i) => depositsOfMinute(START + i * MIN));
const rows = perMinute.map((_, i) => {
  const at = new Date(START + (i + 1) * MIN);
  let sum = 0;
  for (let k = Math.max(0, i - 4); k <= i; k++) sum += perMinute[k]!;
  return { line: i + 2, timestamp: at.toISOString(), at, value: sum };
});
const kpi = backtestKpi({ lastMinutes: 5, ...rule }, 1, new Date(START));
const started = performance.now();
const result = runBacktest(rows, kpi, DEFAULT_ALERT_POLICY);
const seconds = (performance.now() - started) / 1000;

const near = (a: { openedAt: Date }, i: Incident) => a.openedAt.getTime() >= i.from && a.openedAt.getTime() < i.until + 30 * MIN;
const falseAlerts = result.alerts.filter((a) => !incidents.some((i) => near(a, i)));
console.log(`payments model: ${WEEKS} weeks of 1-minute runs of "deposits in the last 5 minutes", ${rows.length} runs in ${seconds.toFixed(1)} s; rule ${JSON.stringify({ sensitivity: kpi.sensitivity, deviationPercent: kpi.deviationPercent, direction: kpi.direction })}\n`);
console.log('| week | incidents | false alerts |');
console.log('|---|---|---|');
for (let w = 0; w < WEEKS; w++) {
  const from = START + w * 7 * DAY;
  const inWeek = (t: number) => t >= from && t < from + 7 * DAY;
  console.log(`| ${w + 1} | ${incidents.filter((i) => inWeek(i.from)).length} | ${falseAlerts.filter((a) => inWeek(a.openedAt.getTime())).length} |`);
}
console.log('\n| incident | alerted | minutes from its start | target |');
console.log('|---|---|---|---|');
for (const i of incidents) {
  const a = result.alerts.find((x) => near(x, i));
  const delay = a === undefined ? null : (a.openedAt.getTime() - i.from) / MIN;
  const target = i.drop !== null && i.drop >= 30 && i.until - i.from >= 10 * MIN ? (delay !== null && delay <= 10 ? 'met (≤ 10 min)' : 'MISSED (≤ 10 min)') : '';
  console.log(`| ${i.name} | ${a === undefined ? 'no' : 'yes'} | ${delay === null ? '-' : delay.toFixed(0)} | ${target} |`);
}
const cleanWeeks = falseAlerts.filter((a) => a.openedAt.getTime() < week5).length;
console.log(`\nfalse alerts: ${cleanWeeks} in the 4 clean weeks, ${falseAlerts.length - cleanWeeks} outside incidents in the 2 incident weeks (${(falseAlerts.length / WEEKS).toFixed(2)} per week)`);
if (process.env.DEBUG_AT) {
  const t0 = Date.parse(process.env.DEBUG_AT);
  for (const p of result.points.filter((p) => p.row.at.getTime() >= t0 && p.row.at.getTime() < t0 + 15 * MIN)) {
    console.log(p.row.timestamp, p.row.value, p.series.baseline?.toFixed(1), p.series.band, p.series.outcome.kind, p.series.incident, p.alertId, JSON.stringify(p.series.basis));
  }
  console.log(result.alerts.slice(0, 5));
}
if (process.env.DEBUG_FP) for (const a of falseAlerts) console.log(a.openedAt.toISOString(), a.why, a.peakDeviationPercent?.toFixed(0), a.resolvedAt?.toISOString());

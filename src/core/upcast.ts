/**
 * Events are immutable; the shapes the code reads are not. An old event is brought to today's shape
 * here, when it is read (every reader goes through toRecordedEvent), so that no other code needs to know
 * older shapes:
 * - AlertOpened before the adaptive band: reasons named `minThreshold`/`maxThreshold` (now
 *   `min_threshold`/`max_threshold`, as executions name them), no `band`, no `thresholds.sensitivity`.
 */
type Data = Record<string, unknown>;

const REASON_NAMES: Record<string, string> = { minThreshold: 'min_threshold', maxThreshold: 'max_threshold' };

function alertOpened(data: Data): Data {
  const reasons = Array.isArray(data.reasons)
    ? data.reasons.map((r: Data) => (typeof r?.rule === 'string' && r.rule in REASON_NAMES ? { ...r, rule: REASON_NAMES[r.rule] } : r))
    : data.reasons;
  const thresholds = data.thresholds !== null && typeof data.thresholds === 'object' ? { sensitivity: null, ...(data.thresholds as Data) } : data.thresholds;
  return { ...data, reasons, thresholds, band: data.band ?? null };
}

const UPCASTERS: Record<string, (data: Data) => Data> = { AlertOpened: alertOpened };

export function upcast(type: string, data: Data): Data {
  const up = UPCASTERS[type];
  return up === undefined ? data : up(data);
}

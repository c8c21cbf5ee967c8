// How numbers, times and statuses read on screen, in one place.

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatNumber = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : numberFormat.format(n));

export const formatPercent = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${numberFormat.format(n)}%`;

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "in 3 min", "2 h ago": for next and last runs. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86_400 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

export const STATUS_LABEL: Record<string, string> = {
  alerting: 'Alerting', failing: 'Failing', breaching: 'Breaching', ok: 'OK', no_history: 'No history', inactive: 'Inactive',
  open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', success: 'Success', failed: 'Failed', timeout: 'Timeout', stuck: 'Stuck',
  breach: 'Breach', no_judgement: 'No judgement',
  silenced: 'Silenced', scheduled: 'Scheduled', ended: 'Ended', expired: 'Expired',
};

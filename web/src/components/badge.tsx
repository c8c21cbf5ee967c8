import { STATUS_LABEL } from '../format.ts';

/** A status word in colour; the word itself carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="badge">—</span>;
  return <span className={`badge ${status.replace(/_/g, '-')}`}>{STATUS_LABEL[status] ?? status}</span>;
}

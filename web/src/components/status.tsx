import type { ApiError } from '../api/client.ts';

/** A failed load or action, announced to screen readers as it appears. */
export function ErrorMessage({ error }: { error: ApiError | Error | undefined | null }) {
  if (!error) return null;
  const detail = 'detail' in error && error.detail ? error.detail : error.message;
  const title = 'title' in error ? error.title : 'Something went wrong';
  return (
    <div role="alert" className="error-box">
      <strong>{title}</strong>
      {detail && detail !== title && <span>: {detail}</span>}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <p role="status" className="muted">{what}…</p>;
}

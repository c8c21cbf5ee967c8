import type { Pages } from '../api/use-pages.ts';
import { ErrorMessage } from './status.tsx';

/** Below a paged list: its error, a "Load more" button while the API has more, and a count for screen readers. */
export function MoreButton<T>({ pages, noun, plural = `${noun}s` }: { pages: Pages<T>; noun: string; plural?: string }) {
  return (
    <div className="paging">
      <ErrorMessage error={pages.error} />
      <p className="muted small" role="status">
        {pages.loading ? 'Loading…' : `${pages.items.length} ${pages.items.length === 1 ? noun : plural} shown${pages.more ? '; more available' : ''}`}
      </p>
      {pages.more && <button type="button" className="secondary" onClick={pages.loadMore} disabled={pages.loading}>Load more</button>}
    </div>
  );
}

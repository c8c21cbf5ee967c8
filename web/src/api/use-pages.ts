import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from './types.ts';

export interface Pages<T> {
  readonly items: readonly T[];
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** True while the API has a next page (`nextCursor`). */
  readonly more: boolean;
  loadMore(): void;
  /** Starts again from the first page (after a change, or on a live message). */
  reload(): void;
}

/**
 * Cursor paging: the first page on mount and whenever `deps` change, further pages appended on demand.
 * `load(cursor)` asks for the page after `cursor` (null for the first).
 */
export function usePages<T>(load: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>, deps: readonly unknown[]): Pages<T> {
  const [state, setState] = useState<{ items: T[]; cursor: string | null; error?: Error; loading: boolean }>({ items: [], cursor: null, loading: true });
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const controller = useRef<AbortController | null>(null);

  const fetchPage = useCallback((cursor: string | null) => {
    controller.current?.abort();
    const c = (controller.current = new AbortController());
    setState((s) => ({ ...s, loading: true }));
    loader.current(cursor, c.signal).then(
      (page) => {
        if (c.signal.aborted) return;
        setState((s) => ({ items: cursor === null ? page.items : [...s.items, ...page.items], cursor: page.nextCursor, loading: false }));
      },
      (error: Error) => { if (!c.signal.aborted) setState((s) => ({ ...s, error, loading: false })); },
    );
  }, []);

  useEffect(() => {
    fetchPage(null);
    return () => controller.current?.abort();
    // `load` is a new function every render: the caller names what it depends on in `deps` instead.
  }, [...deps, generation, fetchPage]);

  return {
    items: state.items, error: state.error, loading: state.loading, more: state.cursor !== null,
    loadMore: () => { if (state.cursor !== null) fetchPage(state.cursor); },
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}

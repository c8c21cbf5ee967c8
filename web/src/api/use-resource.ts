import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './client.ts';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  /** Loads again (after a change, or on a live message); keeps showing the old data meanwhile. */
  reload(): void;
}

/**
 * Loads `load()` when the component mounts and whenever `deps` change; a stale answer (deps changed
 * while it was on its way) is dropped. Example: `useResource(() => api.get<Kpi>(`kpis/${id}`), [id])`.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => { if (!controller.signal.aborted) setState({ data, loading: false }); },
      (error: Error) => { if (!controller.signal.aborted) setState((s) => ({ ...s, error, loading: false })); },
    );
    return () => controller.abort();
    // `load` is a new function every render: the caller names what it depends on in `deps` instead.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

import { useCallback, useState } from 'react';
import { ApiError } from './client.ts';

export interface Action {
  readonly busy: boolean;
  /** The last failure (shown above the form); null after a success. */
  readonly error: Error | null;
  /** The API's field errors by path without the leading slash (`email`, `scopes/0`): shown next to fields. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** Runs `work`, recording busy, the failure and its field errors; resolves true when it succeeded. */
  run(work: () => Promise<unknown>): Promise<boolean>;
  reset(): void;
}

/** One button's or form's request to the API, with what the page needs to show while and after it runs. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const reset = useCallback(() => {
    setError(null);
    setFieldErrors({});
  }, []);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    reset();
    try {
      await work();
      return true;
    } catch (e) {
      setError(e as Error);
      if (e instanceof ApiError) setFieldErrors(e.fieldErrors());
      return false;
    } finally {
      setBusy(false);
    }
  }, [reset]);
  return { busy, error, fieldErrors, run, reset };
}

/** The error of a field, or of any item inside it (`scopes/2` for `scopes`): an array field shows its items' errors. */
export function errorFor(errors: Readonly<Record<string, string>>, name: string): string | undefined {
  return errors[name] ?? Object.entries(errors).find(([path]) => path.startsWith(`${name}/`))?.[1];
}

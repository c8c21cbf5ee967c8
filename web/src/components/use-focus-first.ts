import { useEffect, useRef } from 'react';

/**
 * For a form that opens in place (an editor shown above a list): when it appears, its first field takes
 * the focus, so keyboard and screen-reader users land in it rather than on the button that opened it.
 */
export function useFocusFirst<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea');
    first?.focus();
  }, []);
  return ref;
}

import { useEffect, useRef } from 'react';
import { useLive, type LiveMessage, type LiveStatus } from './live.ts';

/**
 * Reloads a page's data when a live message concerns it, at most once per `ms` (default 300 ms): one
 * change arrives as a burst of messages (an alert opening, its notifications queued and sent), and each
 * reload would cancel the request of the one before.
 */
export function useLiveReload(concerns: (m: LiveMessage) => boolean, reload: () => void, ms = 300): LiveStatus {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useLive((m) => {
    if (!concerns(m)) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  });
}

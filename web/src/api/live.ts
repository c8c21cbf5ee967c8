import { useEffect, useRef, useState } from 'react';
import { API_BASE, authorizedFetch, release } from './client.ts';
import { grants, whoAmI } from './me.ts';

/**
 * One message of GET /api/v1/events/live: `execution`, `alert` or `audit`, with its JSON data; `reset`
 * when a reconnect missed too much to resume (what is shown should be reloaded).
 */
export interface LiveMessage {
  readonly kind: string;
  readonly data: unknown;
  /** The SSE id, sent back as Last-Event-ID on a reconnect so that nothing in between is lost. */
  readonly id?: string;
}
/** `refused`: the credentials lack the feed's scope (audit:read, which a viewer has not); pages poll instead. */
export type LiveStatus = 'connecting' | 'open' | 'closed' | 'refused';
type Listener = (m: LiveMessage) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let stopCurrent: (() => void) | null = null;
let status: LiveStatus = 'closed';

function setStatus(s: LiveStatus): void {
  status = s;
  for (const l of statusListeners) l(s);
}

/** Splits an SSE stream into frames; comment lines (heartbeats) and `retry:` are ignored. */
export function parseFrame(frame: string): LiveMessage | null {
  let kind = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) kind = line.slice(6).trim();
    else if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return null;
  try {
    return { kind, data: JSON.parse(data.join('\n')), ...(id ? { id } : {}) };
  } catch {
    return null;
  }
}

/** The id of the last message received: a reconnect resumes after it (the server replays what was missed). */
let lastEventId: string | undefined;

// EventSource cannot send an Authorization or X-API-Key header, so the feed is read with fetch streaming.
async function readFeed(signal: AbortSignal): Promise<'refused' | void> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
  const res = await authorizedFetch(`${API_BASE}/events/live`, { signal, headers });
  if (!res.ok || !res.body) {
    release(res);
    if (res.status === 403) return 'refused';
    throw new Error(`live feed answered ${res.status}`);
  }
  setStatus('open');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (message?.id) lastEventId = message.id;
      if (message) for (const l of listeners) l(message);
    }
  }
}

/** Keeps one connection while anyone listens; reconnects after a drop (3 s, as the server's `retry`). */
function connect(): () => void {
  const controller = new AbortController();
  void (async () => {
    while (!controller.signal.aborted) {
      // Not asked without the scope, and not asked again when refused: each refusal (every 3 s, on every
      // page) would record a PermissionDenied security event. A new sign-in remounts the pages and asks afresh.
      const me = await whoAmI().catch(() => null);
      if (controller.signal.aborted) break;
      if (me !== null && !grants(me, 'audit:read')) return setStatus('refused');
      setStatus('connecting');
      if ((await readFeed(controller.signal).catch(() => undefined)) === 'refused') return setStatus('refused');
      if (controller.signal.aborted) break;
      setStatus('closed');
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();
  return () => {
    controller.abort();
    lastEventId = undefined; // the next page loads what it shows afresh
    setStatus('closed');
  };
}

/** Listens to the live feed; returns the unsubscribe. The connection closes with the last listener. */
export function subscribeLive(listener: Listener): () => void {
  listeners.add(listener);
  stopCurrent ??= connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && stopCurrent) {
      stopCurrent();
      stopCurrent = null;
    }
  };
}

/** React: calls `onMessage` for every live message while the component is mounted; returns the status. */
export function useLive(onMessage: Listener): LiveStatus {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const [current, setCurrent] = useState<LiveStatus>(status);
  useEffect(() => {
    statusListeners.add(setCurrent);
    const unsubscribe = subscribeLive((m) => handler.current(m));
    return () => {
      statusListeners.delete(setCurrent);
      unsubscribe();
    };
  }, []);
  return current;
}

import type { Db } from '../storage/db.ts';
import { addApiKeyUses } from '../storage/api-keys.repo.ts';

export interface UsageRecorder {
  record(keyId: string, at: Date): void;
  /** Writes the uses counted so far; lists and statistics call it first, so they are current on this node. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Counts API key uses in memory and adds them to the store every `intervalMs` (default 5 s): one write
 * per key and interval instead of one per request. Another node's uses show up after its next flush.
 */
export function createUsageRecorder(db: Db, onError: (e: unknown) => void, intervalMs = 5_000): UsageRecorder {
  let pending = new Map<string, { uses: number; last: Date }>();
  const flush = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    for (const [id, u] of batch) await addApiKeyUses(db, id, u.uses, u.last);
  };
  const timer = setInterval(() => void flush().catch(onError), intervalMs);
  timer.unref();
  return {
    record(keyId, at) {
      const u = pending.get(keyId);
      if (u === undefined) pending.set(keyId, { uses: 1, last: at });
      else {
        u.uses++;
        if (at > u.last) u.last = at;
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

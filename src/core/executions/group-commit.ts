/**
 * Group commit: work submitted while a flush is in flight waits and goes into the next flush, all of
 * it in one go. An idle queue flushes at once (no added latency); a busy one batches by itself, as
 * many items as arrived during one flush (at most `maxBatch`). Items with the same key never share a
 * flush (the later one waits for the next). A flush that throws rejects its items.
 */
export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
  /** Items waiting or being flushed. */
  pending(): number;
}

export function createGroupCommit<I, O>(flush: (items: readonly I[]) => Promise<readonly O[]>, opts: { maxBatch: number; key: (item: I) => string }): GroupCommit<I, O> {
  type Waiting = { item: I; resolve(o: O): void; reject(e: unknown): void };
  let queue: Waiting[] = [];
  let inFlight = 0;
  let running = false;

  const take = (): Waiting[] => {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const keys = new Set<string>();
    for (const w of queue) {
      const k = opts.key(w.item);
      if (batch.length < opts.maxBatch && !keys.has(k)) {
        keys.add(k);
        batch.push(w);
      } else rest.push(w);
    }
    queue = rest;
    return batch;
  };

  const drain = async () => {
    running = true;
    while (queue.length > 0) {
      const batch = take();
      inFlight = batch.length;
      try {
        const out = await flush(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(out[i]!));
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
      inFlight = 0;
    }
    running = false;
  };

  return {
    submit: (item) => new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) void drain();
    }),
    pending: () => queue.length + inFlight,
  };
}

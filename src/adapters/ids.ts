import { randomBytes } from 'node:crypto';
import { ID_PREFIXES } from '../core/shared/ids.ts';
import type { Clock, IdGenerator } from '../core/ports.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

/**
 * ULID-style ids behind a prefix: 10 characters of milliseconds then 16 random ones, so ids sort by
 * creation time. Within one millisecond the random part is incremented, so they stay in order.
 */
export function createIdGenerator(clock: Clock): IdGenerator {
  let lastMs = -1;
  let lastRandom: number[] = [];
  const randomDigits = (): number[] => [...randomBytes(16)].map((b) => b & 31);
  const increment = (digits: number[]): number[] => {
    const next = [...digits];
    for (let i = next.length - 1; i >= 0; i--) {
      if (next[i]! < 31) {
        next[i]! += 1;
        return next;
      }
      next[i] = 0;
    }
    return next;
  };
  return {
    next(kind) {
      const ms = clock.now().getTime();
      lastRandom = ms <= lastMs ? increment(lastRandom) : randomDigits();
      lastMs = Math.max(ms, lastMs);
      let time = '';
      for (let i = 9, t = lastMs; i >= 0; i--, t = Math.floor(t / 32)) time = ALPHABET[t % 32]! + time;
      return `${ID_PREFIXES[kind]}_${time}${lastRandom.map((d) => ALPHABET[d]).join('')}`;
    },
  };
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, crc32, displayPrefixOf, generateApiKey, isWellFormedApiKey } from '../../src/core/auth/api-key-format.ts';

const random = (n: number) => randomBytes(n);

describe('API key format', () => {
  it('given a new key, then it has the prefix, 32 random and 6 checksum characters, and passes its own check', () => {
    const key = generateApiKey(random);
    expect(key).toMatch(API_KEY_PATTERN);
    expect(key).toHaveLength(42);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(displayPrefixOf(key)).toBe(key.slice(0, 10));
  });

  it('given a typo anywhere, then the checksum rejects it without a look-up', () => {
    const key = generateApiKey(random);
    for (let i = 4; i < key.length; i++) {
      const typo = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
      expect(isWellFormedApiKey(typo), `typo at ${i}`).toBe(false);
    }
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`xxx_${key.slice(4)}`)).toBe(false);
  });

  it('given many keys, then they are all different and every base62 character appears (no bias to a subset)', () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey(random));
    expect(new Set(keys).size).toBe(500);
    const seen = new Set(keys.flatMap((k) => [...k.slice(4, 36)]));
    expect(seen.size).toBe(62);
  });

  it('given a random source that returns only rejected bytes at first, then it keeps drawing', () => {
    let calls = 0;
    const key = generateApiKey((n) => (calls++ === 0 ? new Uint8Array(n).fill(255) : randomBytes(n)));
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(calls).toBeGreaterThan(1);
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });
});

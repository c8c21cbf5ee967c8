/**
 * API keys read `mgk_` + 32 random base62 characters (190 bits) + 6 base62 characters of a CRC-32 over
 * the rest. The prefix lets a secret scanner find a leaked key; the checksum lets us reject a typo or a
 * made-up key without a database look-up. Only a hash of the whole key is stored.
 */
export const API_KEY_PREFIX = 'mgk_';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
/** Characters shown in lists to recognise a key: the prefix and 6 of its random characters. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const checksumOf = (text: string): string => {
  let n = crc32(text);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++, n = Math.floor(n / 62)) out = BASE62[n % 62]! + out;
  return out;
};

/**
 * `length` base62 characters from a source of random bytes (5.95 bits each). Rejection sampling (bytes
 * >= 248 are dropped) keeps every character equally likely.
 */
export function randomBase62(length: number, randomBytes: (n: number) => Uint8Array): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export function generateApiKey(randomBytes: (n: number) => Uint8Array): string {
  const unsigned = API_KEY_PREFIX + randomBase62(BODY_LENGTH, randomBytes);
  return unsigned + checksumOf(unsigned);
}

/** Is this shaped like one of our keys with a matching checksum? (No database involved.) */
export function isWellFormedApiKey(key: string): boolean {
  if (!API_KEY_PATTERN.test(key)) return false;
  const cut = key.length - CHECKSUM_LENGTH;
  return checksumOf(key.slice(0, cut)) === key.slice(cut);
}

export const displayPrefixOf = (key: string): string => key.slice(0, DISPLAY_LENGTH);

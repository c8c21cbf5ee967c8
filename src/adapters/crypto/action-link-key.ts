import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { LinkSigner } from '../../core/alerts/action-links.ts';

/**
 * The action links' signing key, derived (HKDF-SHA256) from the secrets key (SECRETS_KEY or
 * `<DATA_DIR>/secrets.key`): no new key to configure or store, nodes that share the secrets key accept
 * each other's links, and knowing a link's key tells nothing of the secrets key.
 */
export function deriveActionLinkKey(secretsKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'monitoring-grid action links v1', 32));
}

/** The first 128 bits of HMAC-SHA256, base64url (22 characters): a link stays short and unguessable. */
export function createLinkSigner(key: Buffer): LinkSigner {
  const sign = (text: string): string => createHmac('sha256', key).update(text, 'utf8').digest().subarray(0, 16).toString('base64url');
  return {
    sign,
    // The text is compared, not its decoded bytes: base64url ignores the last character's low bits, and a
    // link changed there must not pass.
    verify(text, given) {
      const expected = Buffer.from(sign(text));
      const presented = Buffer.from(given);
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/ports.ts';
import { loadOrCreateKeyFile } from './key-file.ts';

/** Sealed secrets read `v1.<iv>.<tag>.<ciphertext>` (base64url): AES-256-GCM, a fresh 96-bit IV each time. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key: SECRETS_KEY (base64, 32 bytes) when given, else `<dataDir>/secrets.key`, created once with
 * mode 0600. Nodes sharing one PostgreSQL server must share the key: set SECRETS_KEY on each.
 */
export function loadSecretsKey(fromEnv: Buffer | null, dataDir: string): Buffer {
  return fromEnv ?? loadOrCreateKeyFile(dataDir, 'secrets.key');
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A 32-byte random key kept in `<dataDir>/<name>` (base64), created once with mode 0600, so that a
 * single node keeps its secrets across restarts without configuration.
 */
export function loadOrCreateKeyFile(dataDir: string, name: string): Buffer {
  const file = path.resolve(dataDir, name);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

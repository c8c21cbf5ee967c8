import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyCommand, createUserCommand, type CliIo } from '../../src/adapters/cli/auth-commands.ts';
import { ensureAdministrator } from '../../src/adapters/cli/auth-setup.ts';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createLogger } from '../../src/adapters/observability/logger.ts';
import type { Db } from '../../src/adapters/storage/db.ts';
import { openDb } from '../../src/adapters/storage/open-db.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildTestApp } from '../helpers/app.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';

/**
 * The CLI opens the configured store itself. Its logic does not depend on the store kind, and opening a
 * PGlite directory several times costs seconds each, so the CLI part runs on the PostgreSQL project.
 */
let store: TestStore | null = null;
let dir = '';
let config: Config;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mg-cli-'));
  if (storeKind() !== 'postgres') return;
  store = await createTestStore('postgres', { migrate: false });
  config = loadConfig({ DATABASE_URL: store.url!, DATA_DIR: dir });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function io(stdin = ''): CliIo & { stdout: string; stderr: string } {
  const captured = { stdout: '', stderr: '' };
  return Object.assign(captured, {
    out: (t: string) => void (captured.stdout += t),
    err: (t: string) => void (captured.stderr += t),
    readStdin: async () => stdin,
  });
}

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

describe.runIf(storeKind() === 'postgres')('monitoring-grid apikey create / user create', () => {
  it('apikey create prints a working key on stdout, details on stderr, and records the actor cli', async () => {
    const out = io();
    expect(await createApiKeyCommand({ name: 'automation', scopes: 'admin:*' }, config, out)).toBe(0);
    const key = out.stdout.trim();
    expect(key).toMatch(/^mgk_[0-9A-Za-z]{38}$/);
    expect(out.stderr).toContain('shown this once');
    await withDb(async (db) => {
      const t = await buildTestApp({ store: { db, kind: storeKind(), url: null, openAnother: () => db, close: async () => undefined } });
      try {
        const r = await t.inject({ method: 'GET', url: '/api/v1/apikey/test', headers: { 'x-api-key': key } });
        expect(r.json()).toMatchObject({ name: 'automation', scopes: ['admin:*'] });
      } finally {
        await t.close();
      }
      const created = (await readStream(db, 'security')).find((e) => e.type === 'ApiKeyCreated' && e.data.name === 'automation')!;
      expect(created.metadata.actor).toBe('cli');
    });
  });

  it('user create with --password-stdin prints nothing secret; without it, a generated password once', async () => {
    const piped = io('a-long-enough-password\n');
    expect(await createUserCommand({ username: 'ann', role: 'editor', passwordStdin: true }, config, piped)).toBe(0);
    expect(piped.stdout).toBe('');
    const generated = io();
    expect(await createUserCommand({ username: 'bob', role: 'viewer' }, config, generated)).toBe(0);
    expect(generated.stdout.trim()).toMatch(/^[0-9A-Za-z]{20}$/);
  });

  it('bad input: a clear message and exit status 2, no stack trace', async () => {
    const bad = io();
    expect(await createApiKeyCommand({ name: 'x', scopes: 'kpi:nope' }, config, bad)).toBe(2);
    expect(bad.stderr).toContain('kpi:nope is not a scope');
    const dup = io('a-long-enough-password');
    expect(await createUserCommand({ username: 'ann', role: 'editor', passwordStdin: true }, config, dup)).toBe(2);
    expect(dup.stderr).toContain('exists already');
  });
});

describe('first start', () => {
  let fresh: TestStore;
  beforeAll(async () => {
    fresh = await createTestStore();
  });
  afterAll(async () => fresh?.close());

  it('with no users, exactly one administrator is created, its generated password printed but never logged', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    const printed: string[] = [];
    const ids = createIdGenerator(systemClock);
    // Two nodes starting together (on PGlite the mutex serialises them; on a server the table lock).
    await Promise.all([
      ensureAdministrator(fresh.db, systemClock, ids, null, logger, (t) => printed.push(t)),
      ensureAdministrator(fresh.kind === 'postgres' ? fresh.openAnother(2) : fresh.db, systemClock, ids, null, logger, (t) => printed.push(t)),
    ]);
    expect(printed).toHaveLength(1);
    const password = /\n {4}(\S+)\n/.exec(printed[0]!)![1]!;
    const { rows } = await fresh.db.query<{ username: string; role: string }>('SELECT username, role FROM users');
    expect(rows).toEqual([{ username: 'admin', role: 'admin' }]);
    expect(lines.join('')).toContain('created the first administrator');
    expect(lines.join('')).not.toContain(password);
    const t = await buildTestApp({ store: fresh });
    try {
      const r = await t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username: 'admin', password } });
      expect(r.statusCode).toBe(200);
    } finally {
      await t.close();
    }
    // A later start finds the administrator and does nothing.
    await ensureAdministrator(fresh.db, systemClock, ids, null, logger, (t) => printed.push(t));
    expect(printed).toHaveLength(1);
  });
});

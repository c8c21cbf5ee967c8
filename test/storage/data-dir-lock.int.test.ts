import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir } from '../../src/adapters/storage/data-dir-lock.ts';
import { cliArgs } from '../helpers/cli.ts';
import { storeKind } from '../helpers/store.ts';
import { startServiceProcess, type ServiceProcess } from '../web/service-process.ts';

/**
 * The embedded store of a DATA_DIR belongs to one process: a command beside a running service is
 * refused (its write would be lost, overwritten by the service), and a dead holder never blocks.
 * Tried with the real service process; only the embedded store has a DATA_DIR to hold.
 */
const ADMIN_PASSWORD = 'correct horse battery';
let dataDir: string;
let service: ServiceProcess | null = null;

const cliEnv = () => {
  const { DATABASE_URL: _none, ...env } = process.env;
  return { ...env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_PASSWORD };
};
const cli = (...args: string[]) => spawnSync(process.execPath, cliArgs(...args), { env: cliEnv(), encoding: 'utf8', timeout: 120_000 });
const start = () => startServiceProcess({ ...cliEnv(), DATABASE_URL: '', LOG_LEVEL: 'warn' } as Record<string, string>);

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe.runIf(storeKind() === 'pglite')('one process per embedded store', () => {
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mg-lock-'));
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a command on the DATA_DIR of a running service exits non-zero, saying to stop it or use the API; nothing is written', async () => {
    service = await start();
    const key = cli('apikey', 'create', '--name', 'beside the service', '--scopes', 'kpi:read');
    expect(key.status, key.stderr).not.toBe(0);
    expect(key.stdout).toBe(''); // no key printed that would not work
    expect(key.stderr).toMatch(/DATA_DIR .* is in use by the service \(monitoring-grid start\) \(process \d+\)/);
    expect(key.stderr).toContain('Stop the service first, or, while it runs, make the change through its API (POST /api/v1/users, POST /api/v1/apikey)');
    expect(key.stderr).not.toContain('    at '); // a message, not a stack trace
    const user = cli('user', 'create', '--username', 'ann', '--role', 'viewer');
    expect(user.status).not.toBe(0);
    expect(user.stderr).toContain('is in use by the service');
    expect(cli('replay').status).not.toBe(0);

    const token = await login(service.url);
    const keys = await fetch(`${service.url}api/v1/apikey`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await keys.json()) as { items: { name: string }[] }).items.map((k) => k.name)).not.toContain('beside the service');
  }, 120_000);

  it('once the service has stopped, the command works, and its key works in the next service', async () => {
    await service!.stop();
    const key = cli('apikey', 'create', '--name', 'after the service', '--scopes', 'kpi:read');
    expect(key.status, key.stderr).toBe(0);
    service = await start();
    const res = await fetch(`${service.url}api/v1/kpis`, { headers: { 'x-api-key': key.stdout.trim() } });
    expect(res.status).toBe(200);
  }, 120_000);

  it('a service killed with SIGKILL leaves no lock behind that blocks the next process', async () => {
    await service!.kill('SIGKILL');
    service = null;
    const key = cli('apikey', 'create', '--name', 'after the crash', '--scopes', 'kpi:read');
    expect(key.status, key.stderr).toBe(0);
    expect(key.stdout.trim()).toMatch(/^mgk_/);
  }, 120_000);
});

describe.runIf(storeKind() === 'pglite')('the lock itself', () => {
  it('refuses a second holder in the same process, is free again after release, and works for a DATA_DIR too long for a socket path', async () => {
    const long = mkdtempSync(path.join(tmpdir(), `mg-lock-${'x'.repeat(90)}-`));
    try {
      const first = await lockDataDir(long, 'the first');
      await expect(lockDataDir(long, 'the second')).rejects.toThrow(DataDirInUse);
      await expect(lockDataDir(long, 'the second')).rejects.toThrow(/in use by the first \(process \d+\)/);
      await first.release();
      const second = await lockDataDir(long, 'the second');
      await second.release();
    } finally {
      rmSync(long, { recursive: true, force: true });
    }
  });
});

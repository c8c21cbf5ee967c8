import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { cliArgs } from '../helpers/cli.ts';

/**
 * `monitoring-grid config …` as a user runs it: the real service in its own process (`bin/monitoring-grid.js
 * start`, the demo on the first), the commands in theirs, talking HTTP. No browser.
 */
const work = mkdtempSync(path.join(tmpdir(), 'mg-config-cli-'));
const stores: TestStore[] = [];
const services: ChildProcess[] = [];

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  }).on('error', reject);
});

interface Service { readonly url: string; readonly key: string }

async function startService(demo: boolean): Promise<Service> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, PORT: String(port), DATA_DIR: mkdtempSync(path.join(work, 'data-')),
    // Both services may read the demo's SQLite file, wherever its data folder is.
    LOG_LEVEL: 'silent', DEMO: String(demo), SQLITE_ALLOWED_DIRS: work, ADMIN_PASSWORD: 'config-cli-test-password',
  };
  if (storeKind() === 'postgres') {
    const store = await createTestStore('postgres', { migrate: false });
    stores.push(store);
    env.DATABASE_URL = store.url!;
  }
  const child = spawn(process.execPath, cliArgs('start'), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  services.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${stderr}`);
    if ((await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) === 200) break;
    if (i > 600) throw new Error(`the service did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.ADMIN_PASSWORD }) }).then((r) => r.json());
  const created = await fetch(`${url}/api/v1/apikey`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` }, body: JSON.stringify({ name: 'config cli test', scopes: ['config:*'] }),
  }).then((r) => r.json());
  return { url, key: created.key };
}

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

const cli = (service: Service, ...args: string[]): Promise<Run> => new Promise((resolve) => {
  execFile(process.execPath, cliArgs('config', ...args, '--url', service.url), { env: { PATH: process.env.PATH ?? '', MG_API_KEY: service.key }, cwd: work }, (error, stdout, stderr) => {
    resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
  });
});

let demo: Service;
let fresh: Service;
beforeAll(async () => {
  [demo, fresh] = await Promise.all([startService(true), startService(false)]);
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  })));
  await Promise.all(stores.map((s) => s.close()));
  rmSync(work, { recursive: true, force: true });
});

describe('monitoring-grid config', () => {
  it('exports the demo, applies it to a fresh service, and exports the same file there', async () => {
    const exported = await cli(demo, 'export', '--out', 'demo.yaml');
    expect(exported, exported.stderr).toMatchObject({ code: 0 });
    const file = readFileSync(path.join(work, 'demo.yaml'), 'utf8');
    expect(file).toMatch(/^version: 1$/m);
    expect((await cli(demo, 'plan', '-f', 'demo.yaml')).code).toBe(0);

    const planned = await cli(fresh, 'plan', '-f', 'demo.yaml');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/^\+ create dataSource "Demo/m);
    const applied = await cli(fresh, 'apply', '-f', 'demo.yaml');
    expect(applied, applied.stderr).toMatchObject({ code: 0 });
    expect(applied.stdout).toMatch(/applied\.\n$/);
    expect((await cli(fresh, 'export', '--out', 'again.yaml')).code).toBe(0);
    expect(readFileSync(path.join(work, 'again.yaml'), 'utf8')).toBe(file);
    const second = await cli(fresh, 'apply', '-f', 'demo.yaml');
    expect(second).toMatchObject({ code: 0, stdout: expect.stringMatching(/nothing to apply/) });
  }, 120_000);

  it('shows one edited field as the plan, exit 2; applies it; then plans nothing, exit 0', async () => {
    const file = readFileSync(path.join(work, 'demo.yaml'), 'utf8');
    const edited = file.replace(/cooldownMinutes: (\d+)/, (_m, n: string) => `cooldownMinutes: ${Number(n) + 5}`);
    writeFileSync(path.join(work, 'edited.yaml'), edited);
    const planned = await cli(fresh, 'plan', '-f', 'edited.yaml');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/^~ update kpi "[^"]+" \(\/kpis\/0\)\n {4}cooldownMinutes: \d+ → \d+\n\nplan: 0 to create, 1 to update, 0 to delete \(plan id [0-9a-f]{16}\)\n$/);
    // Only the reviewed plan is applied: the id of another plan applies nothing.
    expect(await cli(fresh, 'apply', '-f', 'edited.yaml', '--plan-id', '0123456789abcdef')).toMatchObject({ code: 1, stderr: expect.stringMatching(/changed since that plan/) });
    const planId = /plan id ([0-9a-f]{16})/.exec(planned.stdout)![1]!;
    expect((await cli(fresh, 'apply', '-f', 'edited.yaml', '--plan-id', planId)).code).toBe(0);
    expect((await cli(fresh, 'plan', '-f', 'edited.yaml')).code).toBe(0);
  }, 60_000);

  it('prints each problem of a bad file as FILE:LINE, exit 1, and applies nothing', async () => {
    writeFileSync(path.join(work, 'bad.json'), '{\n  "version": 1,\n  "contacts": [\n    {"name": "X", "email": "nope"},\n    {"name": "Y", "phone": 42}\n  ]\n}\n');
    for (const command of ['plan', 'apply']) {
      const run = await cli(fresh, command, '-f', 'bad.json');
      expect(run.code).toBe(1);
      expect(run.stderr, run.stderr).toBe('bad.json:4: /contacts/0/email must be an email address\nbad.json:5: /contacts/1/phone must be a string, not a number\n');
    }
    expect((await cli(fresh, 'export')).stdout).not.toContain('name: X');
  }, 60_000);

  it('says what is wrong with a missing key, a missing file and a service that is not there (exit 1), and a plan without its file (a usage error, exit 2)', async () => {
    const noKey = await new Promise<Run>((resolve) => execFile(process.execPath, cliArgs('config', 'export', '--url', fresh.url), { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })));
    expect(noKey).toMatchObject({ code: 1, stderr: expect.stringMatching(/credentials|authentication/i) });
    expect(await cli(fresh, 'plan', '-f', 'missing.yaml')).toMatchObject({ code: 1, stderr: expect.stringMatching(/ENOENT/) });
    expect(await cli({ url: `http://127.0.0.1:${await freePort()}`, key: 'x' }, 'export')).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot reach/) });
    expect(await cli(fresh, 'plan')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--file is required/) }); // a usage error
  }, 60_000);
});

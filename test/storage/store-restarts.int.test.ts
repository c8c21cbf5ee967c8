// Issue 11: a lost store connection is an error of one request or run, never of the process. Two
// service nodes under write load while their store (a PostgreSQL of this test's own) restarts 20 times.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs } from '../helpers/cli.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { storeKind } from '../helpers/store.ts';

const RESTARTS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node { child: ChildProcess; url: string; exits: number; output: string }

async function startNode(databaseUrl: string, name: string): Promise<Node> {
  const child = spawn(process.execPath, cliArgs('start'), {
    env: {
      ...process.env, PORT: '0', LOG_LEVEL: 'error', DATABASE_URL: databaseUrl, DEMO: 'false', ADMIN_PASSWORD: 'restart-trial-password',
      SCHEDULER_HEARTBEAT_SECONDS: '1', SCHEDULER_POLL_MS: '100', WEB_DIR: '/nonexistent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Node = { child, url: '', exits: 0, output: '' };
  child.on('exit', () => node.exits++);
  node.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} printed no address:\n${node.output}`)), 60_000);
    const read = (chunk: Buffer) => {
      node.output += chunk.toString();
      const m = /MonitoringGrid dashboard: (http:\/\/\S+?)\/?\s/.exec(node.output);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
  });
  return node;
}

async function token(node: Node): Promise<string> {
  for (;;) {
    const r = await fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'restart-trial-password' }) }).catch(() => null);
    if (r?.ok) return (await r.json() as { accessToken: string }).accessToken;
    await sleep(200);
  }
}

describe.runIf(storeKind() === 'postgres')('the store restarted under write load', () => {
  let pg: OwnPostgres;
  const nodes: Node[] = [];
  beforeAll(async () => {
    pg = await startOwnPostgres();
    nodes.push(await startNode(pg.url, 'node A')); // migrates first
    nodes.push(await startNode(pg.url, 'node B'));
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
    await pg?.stop();
  });

  it(`${RESTARTS} restarts with two nodes writing: 0 process exits, and both write again afterwards`, async () => {
    const tokens = await Promise.all(nodes.map(token));
    const counts = { ok: 0, failed: 0 };
    let writing = true;
    const write = async (node: Node, bearer: string, i: number) => {
      const r = await fetch(`${node.url}/api/v1/contacts`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ name: `c${i}-${Math.random()}`, email: `c${i}@example.com` }),
      }).catch(() => null);
      if (r?.status === 201) counts.ok++;
      else counts.failed++;
      await r?.text();
    };
    const load = nodes.map(async (node, k) => {
      for (let i = 0; writing; i++) {
        await Promise.all([write(node, tokens[k]!, i), write(node, tokens[k]!, i + 0.5)]);
        await sleep(20);
      }
    });
    for (let i = 0; i < RESTARTS; i++) {
      await sleep(400);
      await pg.restart(i % 2 === 0 ? 'immediate' : 'fast');
    }
    await sleep(1_000);
    writing = false;
    await Promise.all(load);
    const exits = nodes.map((n) => n.exits);
    console.log(`store restarts: ${RESTARTS}; node exits: ${exits.join(', ')}; writes during the trial: ${counts.ok} answered 201, ${counts.failed} not`);
    expect(exits, nodes.map((n) => n.output.slice(-2000)).join('\n----\n')).toEqual([0, 0]);
    expect(counts.ok).toBeGreaterThan(100);
    // After the last restart both nodes write and are ready again.
    for (const [k, node] of nodes.entries()) {
      let status = 0;
      for (let i = 0; i < 50 && status !== 201; i++) {
        const r = await fetch(`${node.url}/api/v1/contacts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k]}` }, body: JSON.stringify({ name: `after-${k}-${i}`, email: `after${k}@example.com` }) });
        status = r.status;
        await r.text();
        if (status !== 201) await sleep(200);
      }
      expect(status).toBe(201);
      expect((await fetch(`${node.url}/health/live`)).status).toBe(200);
    }
  }, 240_000);
});

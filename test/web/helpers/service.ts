import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const BIN = fileURLToPath(new URL('../../../bin/monitoring-grid.js', import.meta.url));
const WEB = fileURLToPath(new URL('../../../web', import.meta.url));

/**
 * Builds the dashboard into a fresh folder of its own (serve it with WEB_DIR): test files run in
 * parallel, and two builds emptying the same web/dist would pull files from under each other's pages.
 */
export async function buildDashboard(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'mg-web-'));
  await build({ root: WEB, configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

export interface ServiceProcess {
  /** The dashboard's address as the service printed it (`MonitoringGrid dashboard: …`), ending in `/`. */
  readonly url: string;
  /** Everything the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `monitoring-grid start` as `npm start` does, on a free port, and waits for the printed address. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service printed no address in ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      text += chunk.toString();
      const m = /MonitoringGrid dashboard: (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${text}`));
    });
  });
  return {
    url,
    output: () => text,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** The test's own hands on the API, signed in as `username` (for what another page or test covers through the UI). */
export async function apiClient(baseUrl: string, username: string, password: string) {
  const login = await fetch(`${baseUrl}api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  }).then((r) => r.json() as Promise<{ accessToken: string }>);
  return async <T = { id: string }>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const r = await fetch(`${baseUrl}api/v1${url}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${login.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
    if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<T>;
  };
}

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

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

/** A port free a moment ago, for a service whose own address must be known before it starts (PUBLIC_URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

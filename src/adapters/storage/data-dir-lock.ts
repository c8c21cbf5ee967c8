import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readlinkSync, realpathSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * One process at a time opens the embedded store of a DATA_DIR. PGlite keeps the database in memory and
 * writes it back to the folder: a second process (a CLI command beside a running service) would write
 * over the other's changes, and its own would be lost at the next restart.
 *
 * The lock is a Unix socket in DATA_DIR that its holder listens on. Whether the holder is alive is the
 * kernel's answer to a connect: refused means the holder died (even by SIGKILL), so a stale lock never
 * blocks, and no process id is compared (a container's service and a `docker run` command are both
 * pid 1). A second file serialises the few milliseconds of taking a stale lock over.
 */
export interface Holder {
  readonly pid: number;
  /** What holds it: `the service`, `monitoring-grid apikey create` … */
  readonly owner: string;
}

export class DataDirInUse extends Error {
  constructor(readonly dataDir: string, readonly holder: Holder) {
    super(
      `DATA_DIR ${dataDir} is in use by ${holder.owner} (process ${holder.pid}): the embedded store belongs to one process. ` +
      'Stop the service first, or, while it runs, make the change through its API (POST /api/v1/users, POST /api/v1/apikey).',
    );
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

const SOCKET = 'monitoring-grid.sock';
const TAKEOVER = 'monitoring-grid.lock';
/** A takeover that did not finish in this time was a process that died during it. */
const TAKEOVER_STALE_MS = 10_000;
/** sun_path holds 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 100;

/** A long DATA_DIR is reached through a short link in the temp folder (bind follows it into DATA_DIR). */
function socketPath(dir: string): string {
  const direct = path.join(dir, SOCKET);
  if (Buffer.byteLength(direct) <= MAX_SOCKET_PATH) return direct;
  const real = realpathSync(dir);
  const link = path.join(tmpdir(), `mg-${createHash('sha256').update(real).digest('hex').slice(0, 16)}`);
  let current: string | null = null;
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : null;
  } catch { /* no link yet */ }
  if (current !== real) {
    try { unlinkSync(link); } catch { /* none */ }
    symlinkSync(real, link, 'dir');
  }
  return path.join(link, SOCKET);
}

type Probe = { state: 'free' } | { state: 'stale' } | { state: 'held'; holder: Holder };

/** Asks whoever listens on the socket who they are. */
function probe(socket: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const client = net.connect(socket);
    let text = '';
    client.setTimeout(5_000, () => client.destroy(new Error(`the holder of ${socket} does not answer`)));
    client.on('data', (chunk: Buffer) => void (text += chunk.toString('utf8')));
    client.on('end', () => {
      try {
        resolve({ state: 'held', holder: JSON.parse(text) as Holder });
      } catch {
        resolve({ state: 'held', holder: { pid: 0, owner: 'another process' } });
      }
    });
    client.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') resolve({ state: 'free' });
      else if (e.code === 'ECONNREFUSED') resolve({ state: 'stale' });
      else reject(e);
    });
  });
}

async function withTakeoverMutex<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const file = path.join(dir, TAKEOVER);
  for (let waited = 0; ; waited += 25) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(file).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(file);
      } catch { /* gone meanwhile */ }
      if (waited > TAKEOVER_STALE_MS * 2) throw new Error(`${file} stays locked; remove it if no MonitoringGrid process runs`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await work();
  } finally {
    try { unlinkSync(file); } catch { /* already gone */ }
  }
}

const listen = (server: net.Server, socket: string): Promise<void> => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(socket, () => {
    server.off('error', reject);
    resolve();
  });
});

/** Takes DATA_DIR for this process, or throws DataDirInUse naming who has it. */
export async function lockDataDir(dataDir: string, owner: string): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const socket = socketPath(dir);
  const me: Holder = { pid: process.pid, owner };
  const server = net.createServer((c) => c.end(JSON.stringify(me)));
  server.on('error', () => undefined);
  await withTakeoverMutex(dir, async () => {
    const found = await probe(socket);
    if (found.state === 'held') throw new DataDirInUse(dir, found.holder);
    if (found.state === 'stale') unlinkSync(socket);
    await listen(server, socket);
  });
  server.unref(); // the lock never keeps a process alive on its own
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Under the mutex: a process taking the free lock meanwhile must not lose its socket to our unlink.
      await withTakeoverMutex(dir, async () => {
        await new Promise<void>((r) => server.close(() => r()));
        try { unlinkSync(socket); } catch { /* a closing server may remove it itself */ }
      });
    },
  };
}

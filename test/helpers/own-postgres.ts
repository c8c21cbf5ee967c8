import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (initdb into a temporary folder, pg_ctl on another port), for
 * trials that restart the store: the shared server on 5432 is never stopped or reconfigured.
 */
export interface OwnPostgres {
  readonly url: string;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(): Promise<void>;
}

/** initdb refuses root: as root, the folder is given to the postgres account and the tools run as it. */
const asOwner = async (cmd: string, args: string[]) => {
  const root = process.getuid?.() === 0;
  return root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
};

export async function startOwnPostgres(port = 20_000 + Math.floor(Math.random() * 20_000)): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mg-own-pg-'));
  if (process.getuid?.() === 0) {
    const pgUser = statSync('/var/run/postgresql');
    chownSync(dir, pgUser.uid, pgUser.gid);
    chmodSync(dir, 0o700);
  }
  const data = path.join(dir, 'data');
  await asOwner(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctl = (args: string[]) => asOwner(`${BIN}/pg_ctl`, ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', ...args]);
  await ctl(['start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (mode) => void (await ctl(['-m', mode, 'restart'])),
    async stop() {
      await ctl(['-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

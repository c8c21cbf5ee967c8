import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataSource } from '../../core/datasources/datasource.ts';
import type { QueryRun } from '../../core/executions/ports.ts';
import { bindNamedParameters } from '../../core/executions/query-params.ts';
import { errorText, stopped, supervise, tooManyRows, type SourcePool } from './source-pool.ts';
import { sqliteFileProblem } from './sqlite-path.ts';

/** SQLite keeps times as text; bind them the way `datetime()` writes them: 'YYYY-MM-DD HH:MM:SS' in UTC. */
export const sqliteTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

const CHILD = fileURLToPath(new URL('./sqlite-child.mjs', import.meta.url));
/** A runner process without work is ended after this long, ms. */
const IDLE_MS = 60_000;

type Reply = { id: number; rows?: Record<string, unknown>[]; columns?: string[]; tooMany?: boolean; error?: string; version?: string };

/** One runner process: one query at a time. */
interface Runner {
  readonly child: ChildProcess;
  ask(msg: Record<string, unknown>): Promise<Reply>;
  idleTimer?: NodeJS.Timeout;
}

function spawnRunner(onExit: (r: Runner) => void): Runner {
  const child = fork(CHILD, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let next = 0;
  const runner: Runner = {
    child,
    ask(msg) {
      return new Promise<Reply>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        child.send({ ...msg, id }, (e) => { if (e) { waiting.delete(id); reject(e); } });
      });
    },
  };
  child.on('message', (m: Reply) => { waiting.get(m.id)?.resolve(m); waiting.delete(m.id); });
  child.on('error', () => undefined);
  child.on('exit', (code, sig) => {
    for (const w of waiting.values()) w.reject(new Error(`the SQLite runner ended (${sig ?? code})`));
    waiting.clear();
    onExit(runner);
  });
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  return runner;
}

/**
 * A SQLite file opened read-only (and `query_only`) in runner processes of its own (at most
 * maxConnections at a time), so that a query never blocks the event loop. Nothing softer than ending
 * the process stops a running better-sqlite3 query, so at the timeout the runner is killed: the query
 * is over at its timeout. Only files under SQLITE_ALLOWED_DIRS are opened, checked on every run.
 */
export function openSqliteSource(ds: DataSource, allowedDirs: readonly string[]): SourcePool {
  const idle: Runner[] = [];
  const busy = new Set<Runner>();
  const queue: ((r: Runner) => void)[] = [];
  let closed = false;
  const forget = (r: Runner) => {
    busy.delete(r);
    const i = idle.indexOf(r);
    if (i !== -1) idle.splice(i, 1);
  };
  const acquire = (): Promise<Runner> => {
    const r = idle.pop();
    if (r !== undefined) {
      clearTimeout(r.idleTimer);
      busy.add(r);
      return Promise.resolve(r);
    }
    if (busy.size < ds.maxConnections) {
      const fresh = spawnRunner(forget);
      busy.add(fresh);
      return Promise.resolve(fresh);
    }
    return new Promise((resolve) => queue.push(resolve));
  };
  const release = (r: Runner, alive: boolean) => {
    if (!alive || closed) {
      busy.delete(r);
      r.child.kill('SIGKILL');
      if (queue.length > 0 && !closed) void acquire().then(queue.shift()!);
      return;
    }
    const waiter = queue.shift();
    if (waiter !== undefined) return waiter(r);
    busy.delete(r);
    r.idleTimer = setTimeout(() => release(r, false), IDLE_MS).unref();
    idle.push(r);
  };
  const file = ds.filePath ?? '';

  return {
    async run(text, params, limits, signal) {
      const problem = await sqliteFileProblem(ds.filePath, allowedDirs);
      if (problem !== null) return { ok: false, status: 'failed', error: problem };
      const bound = bindNamedParameters(text, 'sqlite');
      const values = bound.names.map((n) => { const v = params[n]; return v instanceof Date ? sqliteTime(v) : v; });
      let runner: Runner | null = null;
      let killed = false;
      const kill = () => { killed = true; runner?.child.kill('SIGKILL'); };
      // There is no cancel that a running query hears: at the timeout the runner is killed at once.
      return supervise(limits, signal, { cancel: kill, kill: async () => kill() }, async (): Promise<QueryRun> => {
        runner = await acquire();
        if (killed) { release(runner, false); return stopped('timeout', limits); }
        try {
          const reply = await runner.ask({ op: 'query', file, text: bound.text, values, maxRows: limits.maxRows });
          release(runner, true);
          if (reply.tooMany) return tooManyRows(limits);
          if (reply.error !== undefined) return { ok: false, status: 'failed', error: reply.error };
          return { ok: true, rows: reply.rows ?? [], columns: reply.columns ?? [] };
        } catch (e) {
          release(runner, false);
          return { ok: false, status: 'failed', error: errorText(e) };
        }
      });
    },
    async inspect() {
      const problem = await sqliteFileProblem(ds.filePath, allowedDirs);
      return { privileges: [], refused: problem === null ? [] : [problem] };
    },
    async version() {
      const problem = await sqliteFileProblem(ds.filePath, allowedDirs);
      if (problem !== null) throw new Error(problem);
      const runner = await acquire();
      const reply = await runner.ask({ op: 'version', file }).then((r) => (release(runner, true), r), (e: unknown) => {
        release(runner, false);
        throw e;
      });
      if (reply.error !== undefined) throw new Error(reply.error);
      return `SQLite ${reply.version}`;
    },
    async close() {
      closed = true;
      for (const r of [...idle, ...busy]) r.child.kill('SIGKILL');
      idle.length = 0;
      busy.clear();
    },
  };
}

import Database from 'better-sqlite3';
import { transactionsOfMinute, type DemoTransaction, type Outage } from '../../core/demo/payments-model.ts';

const MINUTE = 60_000;
/** How SQLite's datetime() writes times, and how the SQLite source binds :windowStart/:windowEnd. */
const sqliteTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS account_transactions (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('deposit', 'withdrawal')),
    amount REAL NOT NULL,
    country TEXT NOT NULL,
    done INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS account_transactions_type_time ON account_transactions (type, updated_at);
  CREATE INDEX IF NOT EXISTS account_transactions_time ON account_transactions (updated_at);
  CREATE TABLE IF NOT EXISTS demo_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export interface DemoDatabase {
  /** Rows up to this moment (ms) are written. */
  readonly writtenUntil: number;
  /** Writes every transaction in [writtenUntil, until); returns how many. */
  appendUntil(until: number, outages?: readonly Outage[]): number;
  close(): void;
}

/**
 * The demo's monitored database: a SQLite file of payment transactions. On first open it is filled
 * with `historyWeeks` weeks of history ending at `now`; later opens continue from where it stopped.
 * KPI queries read it through the ordinary SQLite data source (read-only handle; WAL lets them read
 * while this writer appends).
 */
export function openDemoDatabase(file: string, now: number, historyWeeks = 5): DemoDatabase {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO account_transactions (type, amount, country, done, updated_at) VALUES (?, ?, ?, ?, ?)');
  const saveMark = db.prepare("INSERT INTO demo_state (key, value) VALUES ('written_until', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const mark = db.prepare("SELECT value FROM demo_state WHERE key = 'written_until'").get() as { value: string } | undefined;
  let writtenUntil = mark ? Number(mark.value) : now - historyWeeks * 7 * 86_400_000;

  const write = db.transaction((rows: DemoTransaction[], until: number) => {
    for (const r of rows) insert.run(r.type, r.amount, r.country, r.done ? 1 : 0, sqliteTime(r.at));
    saveMark.run(String(until));
  });

  const appendUntil = (until: number, outages: readonly Outage[] = []): number => {
    if (until <= writtenUntil) return 0;
    let written = 0;
    // A day per transaction keeps memory flat while the five weeks of history are written.
    for (let chunkStart = writtenUntil; chunkStart < until; chunkStart += 86_400_000) {
      const chunkEnd = Math.min(until, chunkStart + 86_400_000);
      const rows: DemoTransaction[] = [];
      for (let minute = Math.floor(chunkStart / MINUTE) * MINUTE; minute < chunkEnd; minute += MINUTE) {
        for (const t of transactionsOfMinute(minute, outages)) if (t.at >= chunkStart && t.at < chunkEnd) rows.push(t);
      }
      write(rows, chunkEnd);
      written += rows.length;
    }
    writtenUntil = until;
    return written;
  };

  appendUntil(now);
  return {
    get writtenUntil() {
      return writtenUntil;
    },
    appendUntil,
    close: () => db.close(),
  };
}

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDemoDatabase } from '../../src/adapters/demo/demo-database.ts';

const now = Date.parse('2026-03-03T14:00:00Z');
const fresh = () => path.join(mkdtempSync(path.join(tmpdir(), 'mg-demo-')), 'demo.sqlite');
/** A digest of every row, so two databases compare without holding both in memory. */
const rows = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    let n = 0;
    for (const r of db.prepare('SELECT type, amount, country, done, updated_at FROM account_transactions ORDER BY updated_at, type, amount, country').raw().iterate()) {
      hash.update(JSON.stringify(r));
      n++;
    }
    return { n, digest: hash.digest('hex') };
  } finally {
    db.close();
  }
};

describe('the demo database', () => {
  it('fills its history once, then appends only what is new; a restart writes nothing twice', () => {
    const a = fresh();
    const day = 1 / 7;
    const first = openDemoDatabase(a, now, day);
    expect(first.appendUntil(now + 10 * 60_000)).toBeGreaterThan(0);
    first.close();
    const reopened = openDemoDatabase(a, now + 20 * 60_000, day);
    expect(reopened.writtenUntil).toBe(now + 20 * 60_000);
    reopened.close();

    const b = fresh();
    openDemoDatabase(b, now + 20 * 60_000, day + 20 / (7 * 24 * 60)).close();
    expect(rows(a)).toEqual(rows(b));
  });

  it('holds a week of transactions with SQLite-style UTC times that the KPI queries compare', () => {
    const file = fresh();
    openDemoDatabase(file, now, 1).close();
    const db = new Database(file, { readonly: true });
    const { n, first, last } = db.prepare('SELECT count(*) AS n, min(updated_at) AS first, max(updated_at) AS last FROM account_transactions').get() as { n: number; first: string; last: string };
    const window = db.prepare("SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at > ? AND updated_at <= ?")
      .get('2026-03-03 13:55:00', '2026-03-03 14:00:00') as { value: number };
    db.close();
    expect(first).toMatch(/^2026-02-24 14:0\d:\d\d$/);
    expect(last < '2026-03-03 14:00:00').toBe(true);
    expect(n).toBeGreaterThan(100_000);
    expect(window.value).toBeGreaterThan(50);
  });
});

describe('the demo runner', () => {
  it('appends the passing minutes live and schedules one outage a few minutes after start', async () => {
    const { startDemoRunner } = await import('../../src/adapters/demo/demo-runner.ts');
    const { testClock } = await import('../helpers/clock.ts');
    const clock = testClock('2026-03-03T14:00:00Z');
    const file = fresh();
    const runner = startDemoRunner({ file, clock, onError: (e) => { throw e; }, appendEveryMs: 3_600_000, outageAfterMinutes: 3, outageMinutes: 6, historyWeeks: 1 / 7 / 24 });
    try {
      expect(runner.outage).toEqual({ from: now + 3 * 60_000, until: now + 9 * 60_000 });
      clock.advance(60_000);
      expect(runner.tick()).toBeGreaterThan(10);
      expect(runner.tick()).toBe(0);
      clock.advance(5 * 60_000);
      runner.tick();
      const db = new Database(file, { readonly: true });
      const deposits = db.prepare("SELECT count(*) AS n FROM account_transactions WHERE type = 'deposit' AND updated_at >= ? AND updated_at < ?");
      const before = (deposits.get('2026-03-03 14:00:00', '2026-03-03 14:03:00') as { n: number }).n;
      const during = (deposits.get('2026-03-03 14:03:00', '2026-03-03 14:06:00') as { n: number }).n;
      const after = (deposits.get('2026-03-03 14:06:00', '2026-03-03 15:00:00') as { n: number }).n;
      db.close();
      expect(before).toBeGreaterThan(30);
      expect(during).toBeLessThan(before / 5);
      expect(after).toBe(0);
    } finally {
      runner.stop();
    }
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktestCommand } from '../../src/adapters/cli/backtest-command.ts';
import { commonStepMinutes, parseBacktestCsv, parseTimestamp } from '../../src/core/backtest/csv.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mg-backtest-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
function run(input: string, rule?: string) {
  const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}.csv`);
  const err: string[] = [];
  const status = runBacktestCommand({ input, output, rule }, { stderr: (s) => err.push(s), now: () => new Date('2026-03-01T00:00:00Z') });
  return { status, stderr: err.join(''), output };
}
/** A day of 5-minute rows around 100, then a drop to 20 for an hour. */
function csv(naive = true): string {
  const lines = ['timestamp,value'];
  const start = Date.parse('2026-03-02T00:00:00Z');
  for (let i = 0; i < 400; i++) {
    const at = new Date(start + i * 300_000).toISOString();
    lines.push(`${naive ? at.slice(0, 19).replace('T', ' ') : at},${i >= 300 && i < 312 ? 20 : 100 + ((i * 7) % 5) - 2}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('monitoring-grid backtest', () => {
  it('writes one line per input row, in order, with the timestamp as written, and 1 on the row where an alert opens', () => {
    const r = run(file('drop.csv', csv()));
    expect(r.status).toBe(0);
    const out = readFileSync(r.output, 'utf8');
    expect(out.endsWith('\n')).toBe(true);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]!.startsWith('timestamp,value,anomaly_score')).toBe(true);
    expect(lines).toHaveLength(401);
    expect(lines[1]!.split(',')[0]).toBe('2026-03-02 00:00:00');
    const opened = lines.slice(1).flatMap((l, i) => (l.split(',')[2] === '1' ? [i] : []));
    expect(opened).toHaveLength(1);
    expect(opened[0]!).toBeGreaterThanOrEqual(300);
    expect(opened[0]!).toBeLessThanOrEqual(301);
    expect(r.stderr).toMatch(/400 rows, \d+ judged, 1 alerts opened, [\d.]+ alerts per week \(\d+ rows\/s\)\n$/);
  });

  it('takes ISO 8601 timestamps and a rule file with the fields of POST /kpis', () => {
    const rule = file('rule.json', JSON.stringify({ sensitivity: null, deviationPercent: 50, direction: 'spike' }));
    const r = run(file('iso.csv', csv(false)), rule);
    expect(r.status).toBe(0);
    const lines = readFileSync(r.output, 'utf8').trimEnd().split('\n').slice(1);
    expect(lines[0]!.split(',')[0]).toBe('2026-03-02T00:00:00.000Z');
    expect(lines.slice(290, 312).filter((l) => l.split(',')[2] === '1')).toEqual([]); // a drop, and the rule watches spikes
  });

  it('allows equal consecutive timestamps (each row is one execution)', () => {
    const r = run(file('equal.csv', 'timestamp,value\n2026-03-02 00:00:00,1\n2026-03-02 00:00:00,2\n2026-03-02 00:05:00,3\n'));
    expect(r.status).toBe(0);
    expect(readFileSync(r.output, 'utf8').trimEnd().split('\n')).toHaveLength(4);
  });

  it('given bad input, exits non-zero naming the file line (the header is line 1)', () => {
    expect(run(file('nohead.csv', 'time,v\n2026-03-02 00:00:00,1\n'))).toMatchObject({ status: 1, stderr: expect.stringContaining('line 1: the header must name the columns timestamp and value') });
    expect(run(file('badrow.csv', 'timestamp,value\n2026-03-02 00:00:00,1\n2026-03-02 00:05:00,abc\n'))).toMatchObject({ status: 1, stderr: expect.stringContaining('line 3: "abc" is not a finite number') });
    expect(run(file('baddate.csv', 'timestamp,value\n2026-02-30 00:00:00,1\n'))).toMatchObject({ status: 1, stderr: expect.stringContaining('line 2: "2026-02-30 00:00:00" is not a timestamp') });
    expect(run(file('order.csv', 'timestamp,value\n2026-03-02 00:05:00,1\n2026-03-02 00:00:00,2\n'))).toMatchObject({ status: 1, stderr: expect.stringContaining('line 3: 2026-03-02 00:00:00 is earlier than 2026-03-02 00:05:00 on line 2') });
    expect(run(file('short.csv', 'timestamp,value\n2026-03-02 00:05:00\n'))).toMatchObject({ status: 1, stderr: expect.stringContaining('line 2:') });
    expect(run(file('rule-ok.csv', csv()), file('bad-rule.json', '{"sensitivity":"extreme"}'))).toMatchObject({ status: 1, stderr: expect.stringContaining('/sensitivity') });
    expect(run(file('rule-ok2.csv', csv()), file('not-json.json', '{'))).toMatchObject({ status: 1, stderr: expect.stringContaining('not JSON') });
    expect(run(path.join(dir, 'missing.csv')).status).toBe(1);
  });
});

describe('the file format', () => {
  it('naive timestamps are UTC; ISO ones keep their zone; impossible dates are refused', () => {
    expect(parseTimestamp('2015-02-26 21:42:53')?.toISOString()).toBe('2015-02-26T21:42:53.000Z');
    expect(parseTimestamp('2014-04-10 16:15:00.000000')?.toISOString()).toBe('2014-04-10T16:15:00.000Z');
    expect(parseTimestamp('2026-03-02T10:00:00+01:00')?.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(parseTimestamp('2026-13-01 00:00:00')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('the period is the most common step between rows', () => {
    const rows = parseBacktestCsv('timestamp,value\n2026-03-02 00:00:00,1\n2026-03-02 00:05:00,1\n2026-03-02 00:10:00,1\n2026-03-02 01:10:00,1\n');
    expect(commonStepMinutes(rows)).toBe(5);
  });
});

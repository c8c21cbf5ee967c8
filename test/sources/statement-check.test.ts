import { describe, expect, it } from 'vitest';
import { checkKpiStatement } from '../../src/core/executions/statement-check.ts';
import { bindNamedParameters, unknownParameters } from '../../src/core/executions/query-params.ts';
import { scanSql } from '../../src/core/executions/sql-text.ts';

const problems = (sql: string, dialect: 'postgres' | 'mysql' | 'sqlite' = 'postgres', privileged = false): string[] => {
  const r = checkKpiStatement(sql, dialect, { privileged });
  return r.ok ? [] : [...r.problems];
};

describe('the KPI statement check', () => {
  it('accepts the documented examples (docs/kpis.md) on their engines, a trailing semicolon removed', () => {
    expect(checkKpiStatement("SELECT count(*) AS value FROM t WHERE type = 'deposit' AND at >= :windowStart AND at < :windowEnd;", 'postgres'))
      .toEqual({ ok: true, text: "SELECT count(*) AS value FROM t WHERE type = 'deposit' AND at >= :windowStart AND at < :windowEnd" });
    expect(problems('SELECT * FROM deposits_per_country(:forLastMinutes)')).toEqual([]);
    expect(problems('WITH d AS (SELECT 1 AS value) SELECT value FROM d', 'sqlite')).toEqual([]);
    expect(problems('SELECT country AS `key`, count(*) AS value FROM t WHERE at >= NOW() - INTERVAL :forLastMinutes MINUTE GROUP BY country', 'mysql')).toEqual([]);
    expect(problems('CALL monitoring_success_rates(:forLastMinutes)', 'mysql')).toEqual([]);
    expect(problems("SELECT x::int AS value, a[1:2], ':nope' AS k, \"col;umn\" FROM t -- ; DROP TABLE t")).toEqual([]);
    expect(problems('TABLE monthly_values')).toEqual([]);
  });

  it('refuses a second statement, however it hides', () => {
    expect(problems('SELECT 1 AS value; DELETE FROM t')).toContain('the query holds more than one statement; a KPI query is one statement');
    expect(problems('SELECT 1 AS value; SELECT 2')).toContain('the query holds more than one statement; a KPI query is one statement');
    expect(problems("SELECT '\\' ; DROP TABLE t; --'", 'postgres')).toContain('the query holds more than one statement; a KPI query is one statement');
    expect(problems("SELECT E'\\' ; DROP TABLE t; --' AS value", 'postgres')).toEqual([]); // one E'' literal: \' escapes
  });

  it('refuses every probe of issue 11 that is not a SELECT, naming the word', () => {
    for (const sql of ['DROP TABLE t', 'TRUNCATE TABLE t', 'ALTER TABLE t ADD c int', 'RENAME TABLE t TO u', 'DROP DATABASE d', 'LOCK TABLES t WRITE',
      "SET @@session.sql_mode = 'ANSI'", 'DO SLEEP(1)', 'START TRANSACTION', 'COMMIT']) {
      expect(problems(sql, 'mysql').join()).toMatch(/must start with SELECT, WITH, VALUES or CALL \(found \w+\)/);
    }
    expect(problems("COPY (SELECT 1) TO PROGRAM 'id > /tmp/x'").join()).toContain('found COPY');
    expect(problems("DO $$ BEGIN PERFORM pg_sleep(60); END $$").join()).toContain('found DO');
    expect(problems("SELECT 1 INTO OUTFILE '/tmp/f'", 'mysql').join()).toContain('INTO is refused');
    expect(problems('SELECT 1 AS value INTO new_table').join()).toContain('INTO is refused');
    expect(problems('WITH gone AS (DELETE FROM t RETURNING 1) SELECT count(*) AS value FROM gone').join()).toContain('DELETE is refused: it writes');
    expect(problems('SELECT * FROM t FOR UPDATE').join()).toContain('UPDATE is refused');
    expect(problems('SELECT * FROM t LOCK IN SHARE MODE', 'mysql').join()).toContain('LOCK IN SHARE MODE is refused: it locks rows');
    expect(problems("SELECT dblink_exec('dbname=x', 'INSERT INTO t VALUES (1)')").join()).toContain('the function dblink_exec is refused');
    expect(problems('SELECT "pg_terminate_backend"(pg_backend_pid())').join()).toContain('the function pg_terminate_backend is refused');
    expect(problems("SELECT query_to_xml('select pg_reload_conf()', true, true, '')").join()).toContain('query_to_xml is refused');
    expect(problems("SELECT LOAD_FILE('/etc/passwd') AS `key`, 1 AS value", 'mysql').join()).toContain('LOAD_FILE is refused');
    expect(problems("SELECT load_extension('/tmp/evil.so')", 'sqlite').join()).toContain('load_extension is refused');
  });

  it('reads MySQL the way MySQL does: `--x` is code, # is a comment, /*! */ runs, backslashes are ambiguous', () => {
    expect(problems("SELECT 1 --1 INTO OUTFILE '/tmp/f'", 'mysql').join()).toContain('INTO is refused');
    expect(problems("SELECT 1 AS value # INTO OUTFILE '/tmp/f'", 'mysql')).toEqual([]);
    expect(problems("SELECT 1 AS value /*!50000 INTO OUTFILE '/tmp/f' */", 'mysql').join()).toContain('executable comments');
    expect(problems("SELECT '\\' INTO OUTFILE '/tmp/x' -- '", 'mysql').join()).toContain('backslash in a string literal');
  });

  it('refuses unknown parameters and positional placeholders, naming them', () => {
    expect(problems('SELECT count(*) AS value FROM t WHERE at > :since AND b = :other AND c = :since').join())
      .toContain('unknown parameters :since, :other (the parameters are :forLastMinutes, :windowStart, :windowEnd)');
    expect(problems('SELECT $1 AS value').join()).toContain('positional placeholders ($1) are refused');
    expect(problems('SELECT ? AS value', 'mysql').join()).toContain('positional placeholders (?) are refused');
    expect(problems("SELECT '{\"a\":1}'::jsonb ? 'a' AS value")).toEqual([]);
    expect(unknownParameters("SELECT @x:=1, ':windowEndX', :windowEndX", 'mysql')).toEqual(['windowEndX']);
  });

  it('refuses CALL on a data source allowed although privileged, and empty text', () => {
    expect(problems('CALL p()', 'mysql', true).join()).toContain('CALL is refused');
    expect(problems('CALL p()', 'postgres').join()).toContain('found CALL');
    expect(problems('  -- nothing\n ;')).toEqual(['the query is empty']);
  });

  it('the scanner gives the text back and binds only code', () => {
    const sql = "SELECT $tag$ :windowEnd $tag$, x$a$, :windowEnd /* c */ 'it''s'";
    expect(scanSql(sql, 'postgres').map((p) => p.text).join('')).toBe(sql);
    expect(bindNamedParameters(sql, 'postgres').text).toBe("SELECT $tag$ :windowEnd $tag$, x$a$, $1 /* c */ 'it''s'");
  });
});

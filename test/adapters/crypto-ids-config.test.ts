import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadSecretsKey } from '../../src/adapters/crypto/secret-box.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { testClock } from '../helpers/clock.ts';

describe('the secret box', () => {
  it('seals to ciphertext that differs each time and opens to the plain text', () => {
    const box = createSecretBox(randomBytes(32));
    const a = box.seal('hunter2');
    expect(a).not.toContain('hunter2');
    expect(box.seal('hunter2')).not.toBe(a);
    expect(box.open(a)).toBe('hunter2');
  });

  it('refuses a tampered secret or the wrong key', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('hunter2');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('creates its key file once, readable by the owner only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mg-key-'));
    const key = loadSecretsKey(null, dir);
    expect(loadSecretsKey(null, dir).equals(key)).toBe(true);
    expect(statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'secrets.key'), 'utf8').trim()).toBe(key.toString('base64'));
  });
});

describe('ids', () => {
  it('carry their prefix and sort in creation order, also within one millisecond', () => {
    const clock = testClock();
    const ids = createIdGenerator(clock);
    const made = Array.from({ length: 50 }, (_, i) => {
      if (i % 10 === 0) clock.advance(1);
      return ids.next('kpi');
    });
    expect(made.every((id) => /^kpi_[0-9A-Z]{26}$/.test(id))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(50);
  });
});

describe('configuration', () => {
  it('given nothing, then the embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './data', databaseUrl: null, logLevel: 'info', webDir: null });
  });

  it('given WEB_DIR, then the dashboard is served from there', () => {
    expect(loadConfig({ WEB_DIR: '/srv/dashboard' }).webDir).toBe('/srv/dashboard');
  });

  it('given several bad values, then every problem is reported at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', SECRETS_KEY: 'c2hvcnQ=' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('given nothing, then the bounds on monitored databases: kill grace 5 s, 10 000 rows, 1 000 series, SQLite only in DATA_DIR', () => {
    expect(loadConfig({ DATA_DIR: '/srv/mg' })).toMatchObject({ queryKillGraceSeconds: 5, maxResultRows: 10_000, maxSeries: 1_000, sqliteAllowedDirs: ['/srv/mg'] });
    expect(loadConfig({ SQLITE_ALLOWED_DIRS: '/a:/b/c' }).sqliteAllowedDirs).toEqual(['/a', '/b/c']);
  });

  it('given nothing, then the backtest bounds: 2,000 source queries, 300 s, 2 at a time per node, 3 s before a job answers; over 25 s of waiting refused', () => {
    expect(loadConfig({}).backtest).toEqual({ maxSourceQueries: 2_000, maxSeconds: 300, maxRunning: 2, waitMs: 3_000 });
    expect(loadConfig({ BACKTEST_MAX_SOURCE_QUERIES: '0', BACKTEST_WAIT_MS: '0' }).backtest).toMatchObject({ maxSourceQueries: 0, waitMs: 0 });
    expect(() => loadConfig({ BACKTEST_WAIT_MS: '25001' })).toThrow('BACKTEST_WAIT_MS must be a whole number from 0 to 25000');
  });

  it('given a kill grace past 10 s, or a lease grace that leaves no time to record, then both are refused', () => {
    expect(() => loadConfig({ QUERY_KILL_GRACE_SECONDS: '11' })).toThrow('QUERY_KILL_GRACE_SECONDS must be a whole number from 1 to 10');
    expect(() => loadConfig({ QUERY_KILL_GRACE_SECONDS: '10', SCHEDULER_LEASE_GRACE_SECONDS: '21' })).toThrow('must be at least 2 × QUERY_KILL_GRACE_SECONDS + 2 (22)');
    expect(() => loadConfig({ MAX_SERIES: '10001' })).toThrow('MAX_SERIES must be a whole number from 1 to 10000');
  });

  it('given nothing, then slow clients are cut off within 30 s (20 s request timeout, checked every second), no proxy is trusted', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 20_000, keepAliveTimeoutMs: 72_000, bodyLimitBytes: 1_048_576, trustProxy: false });
  });

  it('given TRUST_PROXY as a hop count or as proxy addresses, then that; anything else is refused', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback,::1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', 'loopback', '::1']);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY must be false, a hop count');
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow('"10.0.0.0/33" is none of these');
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '0' })).toThrow('HTTP_REQUEST_TIMEOUT_SECONDS must be a whole number from 1 to 3600');
  });
});

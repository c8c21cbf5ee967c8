import { describe, expect, it } from 'vitest';
import { blankSourceForm, sourceBody, sourceForm } from '../../web/src/api/datasource-form.ts';
import type { DataSource } from '../../web/src/api/admin-types.ts';

const stored: DataSource = {
  id: 'dsn_1', name: 'replica', kind: 'postgres', host: 'db', port: 5432, database: 'shop', user: 'reader', passwordEnv: null, ssl: true,
  filePath: null, statementTimeoutMs: 30000, maxConnections: 5, allowPrivilegedUser: false, hasPassword: true, version: 3,
  createdAt: '2026-11-28T10:00:00Z', updatedAt: '2026-11-28T10:00:00Z',
};

describe('the data-source form: the password is write-only', () => {
  it('given a new source without a password, then it says so (null), and empty numbers are left to the API', () => {
    const body = sourceBody({ ...blankSourceForm, name: ' replica ', host: 'db', database: 'shop', user: 'reader', port: '', statementTimeoutMs: '' }, false);
    expect(body).toMatchObject({ name: 'replica', kind: 'postgres', host: 'db', port: null, password: null, statementTimeoutMs: undefined, maxConnections: 5 });
  });

  it('given an edit with the password left empty, then no password is sent and the stored one stays', () => {
    const form = sourceForm(stored);
    expect(form.password).toBe('');
    expect(sourceBody(form, true)).not.toHaveProperty('password');
  });

  it('given an edit that types a password or clears the stored one, then that is what is sent', () => {
    expect(sourceBody({ ...sourceForm(stored), password: 's3cret' }, true).password).toBe('s3cret');
    expect(sourceBody({ ...sourceForm(stored), clearPassword: true, passwordEnv: 'REPLICA_PW' }, true)).toMatchObject({ password: null, passwordEnv: 'REPLICA_PW' });
  });

  it('given SQLite, then only the file is sent, network fields are null', () => {
    const body = sourceBody({ ...sourceForm(stored), kind: 'sqlite', filePath: '/data/shop.db' }, true);
    expect(body).toMatchObject({ kind: 'sqlite', filePath: '/data/shop.db', host: null, port: null, database: null, user: null, passwordEnv: null });
  });
});

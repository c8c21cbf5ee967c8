import { describe, expect, it } from 'vitest';
import { contactFromInput, validateContact } from '../../src/core/contacts/contact.ts';
import { dataSourceFromInput, publicDataSource, validateDataSource } from '../../src/core/datasources/datasource.ts';

describe('contacts', () => {
  it('given an E.164 phone and an email, then the contact is valid', () => {
    expect(validateContact(contactFromInput({ name: 'Ann', email: 'ann@example.com', phone: '+4915112345678' }))).toEqual([]);
  });

  it.each(['015112345678', '+0151123', '+49 151 1234', '+1234567890123456'])('given the phone %s, then it is rejected', (phone) => {
    expect(validateContact(contactFromInput({ name: 'Ann', phone })).map((e) => e.path)).toEqual(['/phone']);
  });

  it('given neither email nor phone, then the contact cannot be reached and is rejected', () => {
    expect(validateContact(contactFromInput({ name: 'Ann' })).map((e) => e.message)).toContain('a contact needs an email or a phone number');
  });
});

describe('data sources', () => {
  it('given a postgres source without host, database and user, then each is named', () => {
    expect(validateDataSource(dataSourceFromInput({ name: 'x', kind: 'postgres' }), false).map((e) => e.path)).toEqual(['/host', '/database', '/user']);
  });

  it('given a sqlite source, then it needs a file and no host', () => {
    expect(validateDataSource(dataSourceFromInput({ name: 'x', kind: 'sqlite' }), false).map((e) => e.path)).toEqual(['/filePath']);
    expect(validateDataSource(dataSourceFromInput({ name: 'x', kind: 'sqlite', filePath: '/tmp/a.db' }), false)).toEqual([]);
    const infinite = dataSourceFromInput({ name: 'x', kind: 'sqlite', filePath: '/tmp/a.db', port: Infinity, statementTimeoutMs: NaN, maxConnections: 2.5 });
    expect(validateDataSource(infinite, false).map((e) => [e.path, e.message])).toEqual([
      ['/port', 'must be a finite number'], ['/statementTimeoutMs', 'must be a finite number'],
      ['/port', 'must be a whole number from 1 to 65535'],
      ['/statementTimeoutMs', 'must be a whole number from 100 to 3600000'], ['/maxConnections', 'must be a whole number from 1 to 100'],
    ]);
  });

  it('given both a password and passwordEnv, then it is refused', () => {
    const ds = dataSourceFromInput({ name: 'x', kind: 'mysql', host: 'h', database: 'd', user: 'u', passwordEnv: 'DB_PW' });
    expect(ds.port).toBe(3306);
    expect(validateDataSource(ds, true).map((e) => e.path)).toEqual(['/password']);
  });

  it('the public view never carries the sealed password', () => {
    const ds = { ...dataSourceFromInput({ name: 'x' }), id: 'dsn_1', sealedPassword: 'v1.a.b.c', version: 1, createdAt: new Date(0), updatedAt: new Date(0) };
    const view = publicDataSource(ds);
    expect(view.hasPassword).toBe(true);
    expect(JSON.stringify(view)).not.toContain('v1.a.b.c');
  });
});

import { describe, expect, it } from 'vitest';
import { actorKindOf, entityOfStream } from '../src/core/audit/audit-entry.ts';
import { describeEvent, nameFromEvent } from '../src/core/audit/describe-event.ts';

describe('readable sentences for events', () => {
  it('given a contact created, then it names the contact and how to reach them', () => {
    const d = describeEvent('ContactCreated', 'contact', 'con_1', { id: 'con_1', contact: { name: 'Ann', email: 'ann@example.com', phone: null, active: true } }, 'Ann');
    expect(d.summary).toBe('Created contact "Ann" (ann@example.com)');
    expect(d.changes).toEqual({ name: { from: null, to: 'Ann' }, email: { from: null, to: 'ann@example.com' }, phone: { from: null, to: null }, active: { from: null, to: true } });
  });

  it('given a data source created with a password, then the diff says "set" and holds no ciphertext', () => {
    const d = describeEvent('DataSourceCreated', 'datasource', 'dsn_1', { id: 'dsn_1', dataSource: { name: 'eu', kind: 'mysql', host: 'db', database: 'shop' }, sealedPassword: 'v1.a.b.c' }, 'eu');
    expect(d.summary).toBe('Created data source "eu" (mysql on db/shop)');
    expect(d.changes!.password).toEqual({ from: 'unset', to: 'set' });
    expect(JSON.stringify(d)).not.toContain('v1.a.b.c');
  });

  it('given a deleted KPI whose name is unknown, then it falls back to the id', () => {
    expect(describeEvent('KpiDeleted', 'kpi', 'kpi_9', { id: 'kpi_9' }, null).summary).toBe('Deleted KPI kpi_9');
  });

  it('given an event type from a feature this module does not know, then it still reads well, diff included', () => {
    expect(describeEvent('AlertOpened', 'alert', 'alr_1', { id: 'alr_1' }, null).summary).toBe('Alert opened (alert alr_1)');
    const d = describeEvent('UserRoleChanged', 'user', 'usr_1', { changes: { role: { from: 'viewer', to: 'admin' }, passwordHash: { from: 'x', to: 'y' } } }, 'ann');
    expect(d.summary).toBe('User role changed (user "ann"): passwordHash from "[secret]" to "[secret]"; role from "viewer" to "admin"');
  });

  it('given an alert acknowledged with a note, then the sentence keeps the note', () => {
    expect(describeEvent('AlertAcknowledged', 'alert', 'alr_1', { id: 'alr_1', by: 'usr_1', note: 'on it' }, null).summary)
      .toBe('Alert acknowledged (alert alr_1), note "on it"');
    expect(describeEvent('AlertResolved', 'alert', 'alr_1', { id: 'alr_1', note: null }, null).summary).toBe('Alert resolved (alert alr_1)');
  });

  it('follows renames: the name comes from the created state or a changed indicator/name', () => {
    expect(nameFromEvent('kpi', { kpi: { indicator: 'Deposits' } })).toBe('Deposits');
    expect(nameFromEvent('kpi', { changes: { indicator: { from: 'Deposits', to: 'Deposits EU' } } })).toBe('Deposits EU');
    expect(nameFromEvent('contact', { changes: { email: { from: 'a', to: 'b' } } })).toBeNull();
  });
});

describe('who and what an event is about', () => {
  it('splits stream ids at the first dash only', () => {
    expect(entityOfStream('datasource-dsn_1')).toEqual({ entityType: 'datasource', entityId: 'dsn_1' });
    expect(entityOfStream('alert-alr_1-x')).toEqual({ entityType: 'alert', entityId: 'alr_1-x' });
  });

  it('tells users, API keys, the system and anonymous callers apart', () => {
    expect([actorKindOf('usr_1'), actorKindOf('key_1'), actorKindOf('scheduler'), actorKindOf('anonymous'), actorKindOf('x', 'user')])
      .toEqual(['user', 'apikey', 'system', 'anonymous', 'user']);
  });
});
